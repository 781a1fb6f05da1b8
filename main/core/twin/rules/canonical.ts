// Twin rules: RFC 8785 canonical JSON and the rules digest that the owner signs and the registry stores (pure; main process and CLI).
import { createHash } from 'node:crypto';
import type { TwinRules } from './schema.js';

/** A lone surrogate has no UTF-8 encoding, so two parties could hash it differently. */
const LONE_SURROGATE = /\p{Cs}/u;

function fail(path: string, what: string): never {
  throw new Error(`canonicalJson: ${what} at ${path} has no canonical JSON form`);
}

function serialise(value: unknown, path: string, ancestors: Set<object>): string {
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE.test(value)) fail(path, 'a string with a lone surrogate');
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) fail(path, String(value));
      // ECMAScript's Number-to-String is exactly JCS §3.2.2.3, and it already writes -0 as "0".
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      break;
    default:
      fail(path, typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`);
  }
  if (ancestors.has(value)) fail(path, 'a reference back to an enclosing value (a cycle)');
  ancestors.add(value);
  let text: string;
  if (Array.isArray(value)) {
    // A hole would print as null in JSON.stringify, so a sparse array would hash like one holding nulls.
    const items = Array.from({ length: value.length }, (_, i) => (i in value ? serialise(value[i], `${path}[${i}]`, ancestors) : fail(`${path}[${i}]`, 'an empty array slot')));
    text = `[${items.join(',')}]`;
  } else {
    const prototype: unknown = Object.getPrototypeOf(value);
    // Dates, maps and class instances would each need a convention of their own, and JCS defines none.
    if (prototype !== Object.prototype && prototype !== null) fail(path, `a ${value.constructor?.name ?? 'non-plain'} object`);
    if (Object.getOwnPropertySymbols(value).length > 0) fail(path, 'an object with symbol keys');
    const record = value as Record<string, unknown>;
    // The default sort compares UTF-16 code units, the order JCS §3.2.3 asks for.
    const members = Object.keys(record)
      .sort()
      .map((key) => `${serialise(key, `${path}.${key}`, ancestors)}:${serialise(record[key], `${path}.${key}`, ancestors)}`);
    text = `{${members.join(',')}}`;
  }
  ancestors.delete(value);
  return text;
}

/** `value` as RFC 8785 (JCS) canonical JSON; throws on anything JSON cannot carry exactly. */
export function canonicalJson(value: unknown): string {
  return serialise(value, '$', new Set());
}

/** `sha256:` and the hex SHA-256 of the rules' canonical JSON in UTF-8: the same rules give the same digest whatever their key order. */
export function rulesDigest(rules: TwinRules): string {
  return `sha256:${createHash('sha256').update(canonicalJson(rules), 'utf8').digest('hex')}`;
}
