// Twin rules: the module's public surface, the schema, canonical digest, summary and use check (pure; main process and CLI).
export { CONTENT_CATEGORIES, PURPOSES, RULES_SCHEMA, defaultRules, isLanguageTag, parseRules, twinRulesSchema } from './schema.js';
export type { ContentCategory, Purpose, RuleError, TwinRules } from './schema.js';
export { canonicalJson, rulesDigest } from './canonical.js';
export { summariseRules } from './summary.js';
export { checkUse } from './evaluate.js';
export type { IntendedUse, RuleViolation } from './evaluate.js';
