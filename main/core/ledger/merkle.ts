// Merkle trees of usage receipts, laid out and hashed as OpenZeppelin's StandardMerkleTree so MerkleProof.verify accepts their proofs (pure; any process).
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { LikenessError } from '../../contract/errors.js';
import { keccak256, keccak256Pair } from './keccak.js';

export class MerkleError extends LikenessError {
  constructor(message: string) {
    super('invalid-input', message);
    this.name = 'MerkleError';
  }
}

export interface MerkleTree {
  /** 0x and 64 lowercase hex digits. */
  root: string;
  /** The sibling hashes from `leaf` up to the root, as OpenZeppelin's MerkleProof.verify takes them. */
  proof(leaf: string): string[];
}

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/** `value` in lowercase, once it is known to be 32 bytes as hex. */
function checked(value: string, what: string): string {
  if (!BYTES32.test(value)) throw new MerkleError(`${what} ${JSON.stringify(value.slice(0, 80))} is not 32 bytes written as 0x and 64 hex digits.`);
  return value.toLowerCase();
}

function bytes(value: string): Uint8Array {
  return hexToBytes(value.slice(2));
}

function hex(bytes: Uint8Array): string {
  return `0x${bytesToHex(bytes)}`;
}

function lessOrEqual(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]!;
  }
  return true;
}

/** OpenZeppelin's commutative node hash: sorting the pair means a proof need not say which side each sibling is on. */
function hashPair(a: Uint8Array, b: Uint8Array): Uint8Array {
  return lessOrEqual(a, b) ? keccak256Pair(a, b) : keccak256Pair(b, a);
}

/**
 * The leaf of a receipt: keccak256(bytes.concat(keccak256(abi.encode(receiptId)))); abi.encode of a bytes32 is
 * its 32 bytes. Hashing twice is OpenZeppelin's guard against second preimages: an inner node is the hash of two
 * nodes, and passing it off as a leaf would need a receipt id whose hash is those two nodes.
 */
export function receiptLeaf(receiptId: string): string {
  return hex(keccak256(keccak256(bytes(checked(receiptId, 'receipt id')))));
}

/**
 * Builds the tree once into a flat array, StandardMerkleTree's layout: leaves sorted by hash at the end, in
 * reverse, node i's children at 2i+1 and 2i+2, the root at 0. Repeated leaves are kept, as OpenZeppelin keeps
 * them, so the root is the one its library computes for the same leaves.
 */
export function buildTree(leaves: string[]): MerkleTree {
  if (leaves.length === 0) throw new MerkleError('A Merkle tree needs at least one leaf.');
  // Lowercase hex of equal length sorts as the bytes it spells.
  const sorted = leaves.map((leaf) => checked(leaf, 'leaf')).sort();
  const count = sorted.length;
  const nodes = new Array<Uint8Array>(2 * count - 1);
  sorted.forEach((leaf, i) => {
    nodes[nodes.length - 1 - i] = bytes(leaf);
  });
  for (let i = count - 2; i >= 0; i--) nodes[i] = hashPair(nodes[2 * i + 1]!, nodes[2 * i + 2]!);
  const root = hex(nodes[0]!);

  // Most trees are built to anchor their root and never asked for a proof, so the index waits for the first request.
  let positions: Map<string, number> | undefined;
  const positionOf = (leaf: string): number | undefined => {
    if (!positions) {
      positions = new Map();
      // Backwards, so a repeated leaf resolves to its first copy.
      for (let i = count - 1; i >= 0; i--) positions.set(sorted[i]!, nodes.length - 1 - i);
    }
    return positions.get(leaf);
  };

  return {
    root,
    proof(leaf: string): string[] {
      let index = positionOf(checked(leaf, 'leaf'));
      if (index === undefined) throw new MerkleError(`The leaf ${leaf} is not in this tree.`);
      const proof: string[] = [];
      while (index > 0) {
        proof.push(hex(nodes[index % 2 === 1 ? index + 1 : index - 1]!));
        index = (index - 1) >> 1;
      }
      return proof;
    },
  };
}

/** Whether `proof` leads from `leaf` to `root`, as MerkleProof.verify decides; malformed hex is a proof that fails, not an error. */
export function verifyProof(root: string, leaf: string, proof: string[]): boolean {
  if (!BYTES32.test(root) || !BYTES32.test(leaf) || !proof.every((node) => BYTES32.test(node))) return false;
  const computed = proof.reduce((node, sibling) => hashPair(node, bytes(sibling)), bytes(leaf));
  return hex(computed) === root.toLowerCase();
}
