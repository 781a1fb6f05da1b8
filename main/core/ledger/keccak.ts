// Keccak-256 for the many small inputs of receipts and Merkle trees: hash-wasm's WASM keccak once loaded, @noble/hashes' permutation on a reused sponge state until then (pure; any process).
import { keccakP, keccak_256 } from '@noble/hashes/sha3.js';
import { createKeccak } from 'hash-wasm';
import type { IHasher } from 'hash-wasm';
import { isLE } from '@noble/hashes/utils.js';

/*
 * Measured on the 2-core build machine while busy with other jobs, CPU time per hash of a 32- or 64-byte input:
 * @noble/hashes 2 keccak_256 7.3 µs, ethers 6 keccak256 (its bundled @noble/hashes 1, then hex) 14–16 µs,
 * js-sha3 4.1–4.3 µs. js-sha3 is here only as a dependency of solc, a dev dependency, so the packaged app would
 * not have it, and node_modules holds no WASM keccak: @noble/hashes 2 is the fastest the app ships. Driving its
 * permutation directly saves a hasher object per call, and the copy that a pair's concatenation would need.
 */

/*
 * Later, on the same machine under load: hash-wasm's WASM keccak 4.4–4.8 µs per 64-byte input against noble's 28–32 µs
 * in the same run (30,000 hashes each). Its instance loads asynchronously (the main bundle is CommonJS, so no top-level
 * await): callers that hash in bulk await keccakReady() first; anything earlier takes noble's path, same digests.
 */
let wasm: IHasher | undefined;
const loading = createKeccak(256).then((hasher) => {
  wasm = hasher;
});

/** Resolves once the WASM keccak is in use. */
export function keccakReady(): Promise<void> {
  return loading;
}

function wasmHash(parts: readonly Uint8Array[]): Uint8Array {
  wasm!.init();
  for (const part of parts) wasm!.update(part);
  return wasm!.digest('binary');
}

/** Keccak-256's rate: an input shorter than this (everything the ledger hashes but JSON) is a single padded block. */
const RATE = 136;
const state = new Uint8Array(200);
// keccakP works on the state as 32-bit words in little-endian order; a big-endian host takes noble's own path.
const state32 = new Uint32Array(state.buffer);

/**
 * Pads the block absorbed into the zeroed state (keccak's 0x01 domain byte after the input, pad10*1's closing bit
 * in the last byte of the rate, the two sharing a byte for a 135-byte input), permutes and squeezes the digest.
 */
function squeeze(length: number): Uint8Array {
  state[length] = 0x01;
  state[RATE - 1] = length === RATE - 1 ? 0x81 : 0x80;
  keccakP(state32);
  return state.slice(0, 32);
}

export function keccak256(bytes: Uint8Array): Uint8Array {
  if (wasm) return wasmHash([bytes]);
  if (!isLE || bytes.length >= RATE) return keccak_256(bytes);
  state.fill(0);
  state.set(bytes);
  return squeeze(bytes.length);
}

/** keccak256(a ‖ b) without building the concatenation: a Merkle tree hashes one pair per inner node. */
export function keccak256Pair(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (wasm) return wasmHash([a, b]);
  const length = a.length + b.length;
  if (!isLE || length >= RATE) {
    const joined = new Uint8Array(length);
    joined.set(a);
    joined.set(b, a.length);
    return keccak_256(joined);
  }
  state.fill(0);
  state.set(a);
  state.set(b, a.length);
  return squeeze(length);
}
