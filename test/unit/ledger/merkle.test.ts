// Receipt Merkle trees against trees built by hand with ethers in OpenZeppelin's StandardMerkleTree layout: roots, proofs, odd sizes, one leaf, repeats, and the 10k-receipt build time.
import { randomBytes } from 'node:crypto';
import { AbiCoder, keccak256, solidityPackedKeccak256 } from 'ethers';
import { describe, expect, it } from 'vitest';
import { keccakReady } from '../../../main/core/ledger/keccak.js';
import { MerkleError, buildTree, receiptLeaf, verifyProof } from '../../../main/core/ledger/merkle.js';

const abi = AbiCoder.defaultAbiCoder();
const id = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;
const randomId = () => `0x${randomBytes(32).toString('hex')}`;

/** keccak256(bytes.concat(keccak256(abi.encode(receiptId)))), spelled as Solidity would. */
function ozLeaf(receiptId: string): string {
  return keccak256(keccak256(abi.encode(['bytes32'], [receiptId])));
}

/** OpenZeppelin's Hashes.commutativeKeccak256. */
function ozNode(a: string, b: string): string {
  return solidityPackedKeccak256(['bytes32', 'bytes32'], a < b ? [a, b] : [b, a]);
}

/** StandardMerkleTree's makeMerkleTree and getProof, written out from @openzeppelin/merkle-tree. */
function ozTree(leaves: string[]): { root: string; proof: (leaf: string) => string[] } {
  const sorted = [...leaves].sort();
  const tree = new Array<string>(2 * sorted.length - 1);
  sorted.forEach((leaf, i) => (tree[tree.length - 1 - i] = leaf));
  for (let i = tree.length - 1 - sorted.length; i >= 0; i--) tree[i] = ozNode(tree[2 * i + 1]!, tree[2 * i + 2]!);
  return {
    root: tree[0]!,
    proof(leaf) {
      let index = tree.lastIndexOf(leaf);
      const proof: string[] = [];
      while (index > 0) {
        proof.push(tree[index % 2 === 1 ? index + 1 : index - 1]!);
        index = Math.floor((index - 1) / 2);
      }
      return proof;
    },
  };
}

/** OpenZeppelin's MerkleProof.processProof. */
function ozProcess(leaf: string, proof: string[]): string {
  return proof.reduce(ozNode, leaf);
}

describe('receipt leaves', () => {
  it('hash abi.encode(bytes32) twice, as the registry does', () => {
    for (const receiptId of [id(0), id(1), randomId()]) expect(receiptLeaf(receiptId)).toBe(ozLeaf(receiptId));
  });

  it('read upper-case hex and refuse anything but 32 bytes', () => {
    const receiptId = randomId();
    expect(receiptLeaf(receiptId.toUpperCase().replace('0X', '0x'))).toBe(ozLeaf(receiptId));
    expect(() => receiptLeaf('0x1234')).toThrow(MerkleError);
    expect(() => receiptLeaf(receiptId.slice(2))).toThrow(/receipt id .* is not 32 bytes/);
  });
});

describe('buildTree', () => {
  it('builds the three-leaf tree worked out by hand', () => {
    const [a, b, c] = [id(1), id(2), id(3)].map(ozLeaf).sort() as [string, string, string];
    // StandardMerkleTree puts sorted leaves at the end in reverse: [root, (b,a), c, b, a].
    const ab = ozNode(b, a);
    const root = ozNode(ab, c);
    const tree = buildTree([c, a, b]);
    expect(tree.root).toBe(root);
    expect(tree.proof(a)).toEqual([b, c]);
    expect(tree.proof(b)).toEqual([a, c]);
    expect(tree.proof(c)).toEqual([ab]);
  });

  it('gives a single leaf as its own root, with an empty proof', () => {
    const leaf = ozLeaf(randomId());
    const tree = buildTree([leaf]);
    expect(tree.root).toBe(leaf);
    expect(tree.proof(leaf)).toEqual([]);
    expect(verifyProof(tree.root, leaf, [])).toBe(true);
  });

  it('matches the StandardMerkleTree layout for every size from 1 to 33, odd ones included', () => {
    for (let size = 1; size <= 33; size++) {
      const leaves = Array.from({ length: size }, () => ozLeaf(randomId()));
      const tree = buildTree(leaves);
      const expected = ozTree(leaves);
      expect(tree.root, `size ${size}`).toBe(expected.root);
      for (const leaf of leaves) {
        const proof = tree.proof(leaf);
        expect(proof).toEqual(expected.proof(leaf));
        expect(ozProcess(leaf, proof)).toBe(tree.root);
        expect(verifyProof(tree.root, leaf, proof)).toBe(true);
      }
    }
  });

  it('does not depend on the order the leaves come in, or on the case of their hex', () => {
    const leaves = Array.from({ length: 9 }, () => ozLeaf(randomId()));
    const shuffled = [...leaves].reverse().map((leaf) => leaf.toUpperCase().replace('0X', '0x'));
    expect(buildTree(shuffled).root).toBe(buildTree(leaves).root);
    expect(buildTree(shuffled).proof(leaves[0]!)).toEqual(buildTree(leaves).proof(leaves[0]!));
  });

  it('keeps repeated leaves, as OpenZeppelin does, and proves each', () => {
    const [a, b] = [ozLeaf(id(7)), ozLeaf(id(8))] as [string, string];
    const leaves = [a, b, a];
    const tree = buildTree(leaves);
    expect(tree.root).toBe(ozTree(leaves).root);
    expect(tree.root).not.toBe(buildTree([a, b]).root);
    for (const leaf of [a, b]) expect(verifyProof(tree.root, leaf, tree.proof(leaf))).toBe(true);
  });

  it('refuses an empty list, a malformed leaf, and a proof for a leaf it does not hold', () => {
    expect(() => buildTree([])).toThrow(MerkleError);
    expect(() => buildTree([ozLeaf(id(1)), '0xzz'])).toThrow(/leaf "0xzz" is not 32 bytes/);
    const tree = buildTree([ozLeaf(id(1)), ozLeaf(id(2))]);
    expect(() => tree.proof(ozLeaf(id(3)))).toThrow(/is not in this tree/);
  });

  it('builds a tree of 10,000 receipts from their ids', async () => {
    await keccakReady();
    const ids = Array.from({ length: 10_000 }, randomId);
    buildTree(ids.slice(0, 500).map(receiptLeaf));
    const started = performance.now();
    const tree = buildTree(ids.map(receiptLeaf));
    const elapsed = performance.now() - started;
    console.log(`merkle10k: ${elapsed.toFixed(0)} ms to hash 10,000 receipt ids into leaves and build the tree`);
    const leaf = receiptLeaf(ids[1234]!);
    // 19,999 nodes: a leaf sits 13 or 14 levels below the root.
    expect([13, 14]).toContain(tree.proof(leaf).length);
    expect(ozProcess(leaf, tree.proof(leaf))).toBe(tree.root);
  });
});

describe('verifyProof', () => {
  const leaves = Array.from({ length: 6 }, (_, i) => ozLeaf(id(i + 100)));
  const tree = buildTree(leaves);
  const leaf = leaves[2]!;
  const proof = tree.proof(leaf);

  it('fails for another leaf, a changed sibling, another root, or a proof cut short', () => {
    expect(verifyProof(tree.root, leaf, proof)).toBe(true);
    expect(verifyProof(tree.root, leaves[3]!, proof)).toBe(false);
    expect(verifyProof(tree.root, leaf, [ozLeaf(id(999)), ...proof.slice(1)])).toBe(false);
    expect(verifyProof(ozLeaf(id(1)), leaf, proof)).toBe(false);
    expect(verifyProof(tree.root, leaf, proof.slice(0, -1))).toBe(false);
  });

  it('answers false, not an error, for malformed hex', () => {
    expect(verifyProof('0x12', leaf, proof)).toBe(false);
    expect(verifyProof(tree.root, 'leaf', proof)).toBe(false);
    expect(verifyProof(tree.root, leaf, ['0x'])).toBe(false);
  });
});
