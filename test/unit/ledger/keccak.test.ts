// Keccak-256 of the ledger: the same digests as ethers for every input size around the one-block fast path, and calls that do not disturb each other.
import { randomBytes } from 'node:crypto';
import { keccak256 as ethersKeccak, getBytes } from 'ethers';
import { describe, expect, it } from 'vitest';
import { keccak256, keccak256Pair, keccakReady } from '../../../main/core/ledger/keccak.js';

const hex = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString('hex')}`;

const vectors = () => {
  const out: Uint8Array[] = [];
  for (let length = 0; length <= 300; length += 7) out.push(randomBytes(length));
  return out;
};

describe('keccak256 before and after the WASM keccak loads', () => {
  it('gives ethers\' digests on both paths, singly and in pairs', async () => {
    const inputs = vectors();
    const check = () => {
      for (const input of inputs) expect(hex(keccak256(input))).toBe(ethersKeccak(input));
      for (const [i, input] of inputs.entries()) {
        const other = inputs[(i * 5) % inputs.length]!;
        expect(hex(keccak256Pair(input, other))).toBe(ethersKeccak(Buffer.concat([input, other])));
      }
    };
    check();
    await keccakReady();
    check();
  });
});

describe('keccak256', () => {
  it('matches the known digest of the empty input', () => {
    expect(hex(keccak256(new Uint8Array(0)))).toBe('0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
  });

  it('matches ethers for every length from 0 to 300 bytes, across the 136-byte block boundary', () => {
    for (let length = 0; length <= 300; length++) {
      const input = randomBytes(length);
      expect(hex(keccak256(input)), `length ${length}`).toBe(ethersKeccak(input));
    }
  });

  it('hashes a pair as the hash of its concatenation, short or long', () => {
    for (const [a, b] of [
      [32, 32],
      [0, 0],
      [100, 35],
      [100, 36],
      [200, 64],
    ] as const) {
      const left = randomBytes(a);
      const right = randomBytes(b);
      expect(hex(keccak256Pair(left, right)), `${a}+${b}`).toBe(ethersKeccak(Buffer.concat([left, right])));
    }
  });

  it('returns a fresh array each time, so a later hash does not overwrite an earlier one', () => {
    const first = keccak256(getBytes('0x01'));
    const copy = hex(first);
    keccak256(getBytes('0x02'));
    keccak256Pair(first, first);
    expect(hex(first)).toBe(copy);
  });
});
