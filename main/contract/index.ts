// Public face of the contract: schemas, types and the typed client; safe to import from any process.
export * from './bridge.js';
export * from './calls.js';
export * from './compose.js';
export * from './errors.js';
export * from './events.js';
export * from './models.js';
