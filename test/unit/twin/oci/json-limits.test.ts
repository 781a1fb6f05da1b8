// JSON behind limits: oversize and over-deep input refused before JSON.parse, strings and escapes not mistaken for nesting.
import { describe, expect, it } from 'vitest';
import { JsonLimitError, parseJsonLimited } from '../../../../main/core/twin/oci/json-limits.js';

const limits = { maxBytes: 1 << 20, maxDepth: 8 };

function refusal(text: string, custom = limits): JsonLimitError {
  try {
    parseJsonLimited(text, custom);
  } catch (error) {
    if (error instanceof JsonLimitError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('parseJsonLimited', () => {
  it('parses ordinary JSON', () => {
    expect(parseJsonLimited('{"a":[1,{"b":"c"}],"d":null}', limits)).toEqual({ a: [1, { b: 'c' }], d: null });
  });

  it('refuses text over the byte limit, counting UTF-8 bytes', () => {
    expect(refusal('"aaaaaaaaaa"', { maxBytes: 10, maxDepth: 8 }).reason).toBe('too-large');
    // Eight characters, but 16 bytes in UTF-8.
    const wide = `"${'é'.repeat(7)}"`;
    expect(wide.length).toBeLessThanOrEqual(10);
    expect(refusal(wide, { maxBytes: 10, maxDepth: 8 }).message).toContain('larger than the limit of 10 bytes');
  });

  it('refuses nesting deeper than the limit, and exactly the limit passes', () => {
    expect(parseJsonLimited(`${'['.repeat(8)}${']'.repeat(8)}`, limits)).toBeDefined();
    const deep = refusal(`${'['.repeat(9)}${']'.repeat(9)}`);
    expect(deep.reason).toBe('too-deep');
    expect(deep.message).toContain('deeper than the limit of 8 levels');
    expect(refusal(`{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":1}}}}}}}}}`).reason).toBe('too-deep');
  });

  it('refuses ten million open brackets without reaching JSON.parse', () => {
    const error = refusal('['.repeat(10_000_000), { maxBytes: 20_000_000, maxDepth: 32 });
    expect(error.reason).toBe('too-deep');
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ s: '[[[[[[[[[[{{{{{{{{{{ \\" "[[[[[[[[[[' });
    expect(parseJsonLimited(text, { maxBytes: 1000, maxDepth: 1 })).toEqual({ s: '[[[[[[[[[[{{{{{{{{{{ \\" "[[[[[[[[[[' });
    expect(parseJsonLimited('["\\\\",[1]]', { maxBytes: 1000, maxDepth: 2 })).toEqual(['\\', [1]]);
  });

  it('does not let stray closing brackets hide deeper nesting', () => {
    expect(refusal(`]]]]]]]]]]${'['.repeat(12)}`).reason).toBe('invalid');
  });

  it('reports invalid JSON clearly', () => {
    const error = refusal('{"a":');
    expect(error.reason).toBe('invalid');
    expect(error.message).toContain('not valid JSON');
  });
});
