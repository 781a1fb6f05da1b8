// Seeded, key-addressed random streams for weight initialisation and dropout masks; main process and workers.
import { createHash } from 'node:crypto';

/**
 * Uniform numbers in [0, 1) from xoshiro128** seeded with sha256(key). Keying by name (for example
 * `dropout/<seed>/<step>/<layer>`) makes each stream independent of the order things are built or run,
 * so a resumed run draws the same masks.
 */
export function randomStream(key: string): () => number {
  const digest = createHash('sha256').update(key).digest();
  const s = Uint32Array.from([0, 1, 2, 3], (i) => digest.readUInt32LE(i * 4));
  const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));
  return () => {
    const [a = 0, b = 0, c = 0, d = 0] = s;
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    let c2 = c ^ a;
    let d2 = d ^ b;
    const b2 = b ^ c2;
    const a2 = a ^ d2;
    c2 ^= t;
    d2 = rotl(d2, 11);
    s[0] = a2;
    s[1] = b2;
    s[2] = c2;
    s[3] = d2;
    return result / 4294967296;
  };
}

/** A dropout mask for one layer and one 1-based step: 0 with probability `rate`, else 1/(1-rate). */
export function dropoutMask(seed: number, step: number, layer: string, rate: number, size: number): Float32Array {
  const next = randomStream(`dropout/${seed}/${step}/${layer}`);
  const keep = 1 / (1 - rate);
  const mask = new Float32Array(size);
  for (let i = 0; i < size; i++) mask[i] = next() < rate ? 0 : keep;
  return mask;
}
