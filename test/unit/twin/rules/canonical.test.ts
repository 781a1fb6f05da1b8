// Canonical JSON and the rules digest: RFC 8785's own vectors, refusals, and a digest that ignores key order; test process.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type TwinRules, canonicalJson, defaultRules, rulesDigest } from '../../../../main/core/twin/rules/index.js';

/** The IEEE-754 double with these 64 bits, as RFC 8785 Appendix B lists them. */
function double(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

/** A deep copy with every object's keys in reverse order: same data, different text. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversedKeys(v)]));
}

describe('canonical JSON (RFC 8785)', () => {
  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('writes the double %s as %s (Appendix B)', (bits, text) => {
    expect(canonicalJson(double(bits))).toBe(text);
    expect(canonicalJson([double(bits)])).toBe(`[${text}]`);
  });

  it.each(['7fffffffffffffff', '7ff0000000000000', 'fff0000000000000'])('refuses the non-finite double %s (Appendix B)', (bits) => {
    expect(() => canonicalJson({ n: double(bits) })).toThrow(/canonicalJson: .*(NaN|Infinity) at \$\.n/);
  });

  it('sorts keys by UTF-16 code units, not by code point or locale (§3.2.3)', () => {
    const input = JSON.parse(
      '{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control","\\u00f6":"Latin Small Letter O With Diaeresis"}',
    ) as unknown;
    // U+1F600 sorts before U+FB33 only by code units (0xD83D < 0xFB33); by code point it would come last.
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
    // A French collator orders these otherwise; canonical order ignores locale.
    expect(canonicalJson({ sin: 4, 'pêche': 3, peach: 1, 'péché': 2 })).toBe('{"peach":1,"péché":2,"pêche":3,"sin":4}');
  });

  it('writes the §3.2.2 example: numbers, escapes and literals', () => {
    const input = JSON.parse(
      '{ "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false] }',
    ) as unknown;
    const canonical = canonicalJson(input);
    expect(canonical).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
    // The start of the UTF-8 bytes the RFC prints: the euro sign is e2 82 ac.
    expect(Buffer.from(canonical, 'utf8').toString('hex').startsWith('7b226c69746572616c73223a5b6e756c6c2c747275652c66616c73655d')).toBe(true);
    expect(Buffer.from(canonical, 'utf8').includes(Buffer.from([0x22, 0xe2, 0x82, 0xac, 0x24]))).toBe(true);
  });

  it('keeps array order, sorts nested objects, and writes no whitespace', () => {
    expect(canonicalJson({ b: [3, 1, { z: 1, a: [] }], a: { y: null, x: 'x' } })).toBe('{"a":{"x":"x","y":null},"b":[3,1,{"a":[],"z":1}]}');
    expect(canonicalJson(-0)).toBe('0');
    expect(canonicalJson('</script>\u007f')).toBe('"</script>\u007f"');
    expect(canonicalJson({})).toBe('{}');
    const shared = { k: 1 };
    expect(canonicalJson([shared, shared])).toBe('[{"k":1},{"k":1}]');
  });

  it.each<[string, unknown, RegExp]>([
    ['NaN', { a: [1, Number.NaN] }, /NaN at \$\.a\[1\]/],
    ['Infinity', -Infinity, /-Infinity at \$/],
    ['undefined at the top', undefined, /undefined at \$/],
    ['an undefined property', { a: undefined }, /undefined at \$\.a/],
    ['an empty array slot', [1, , 3], /empty array slot at \$\[1\]/], // eslint-disable-line no-sparse-arrays
    ['a function', { f: () => 1 }, /a function at \$\.f/],
    ['a bigint', { n: 10n }, /a bigint at \$\.n/],
    ['a symbol', [Symbol('s')], /a symbol at \$\[0\]/],
    ['a Date', { at: new Date(0) }, /a Date object at \$\.at/],
    ['a lone surrogate', { s: '\ud800' }, /lone surrogate at \$\.s/],
  ])('refuses %s, naming where it is', (_case, value, message) => {
    expect(() => canonicalJson(value)).toThrow(message);
  });

  it('refuses a cycle', () => {
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = { back: loop };
    expect(() => canonicalJson(loop)).toThrow(/cycle.* at \$\.self\.back/);
  });
});

describe('rules digest', () => {
  const rules: TwinRules = {
    ...defaultRules(),
    languages: ['en', 'es'],
    blockedTerms: ['casino'],
    validators: { addresses: ['0x' + 'ab'.repeat(20), '0x' + 'cd'.repeat(20)], threshold: 1 },
    licenceFee: { amountWei: '50000000000000000', currency: 'ETH' },
  };

  it('is the sha256 of the canonical UTF-8 bytes', () => {
    const expected = createHash('sha256').update(Buffer.from(canonicalJson(rules), 'utf8')).digest('hex');
    expect(rulesDigest(rules)).toBe(`sha256:${expected}`);
    expect(rulesDigest(rules)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('does not depend on key order, and changes with any rule', () => {
    const reordered = reversedKeys(rules) as TwinRules;
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(rules));
    expect(rulesDigest(reordered)).toBe(rulesDigest(rules));
    expect(rulesDigest({ ...rules, aiLabelRequired: false })).not.toBe(rulesDigest(rules));
    expect(rulesDigest({ ...rules, languages: ['es', 'en'] })).not.toBe(rulesDigest(rules));
  });
});
