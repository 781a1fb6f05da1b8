// The chain calls' schemas: realistic networks, mints, plans and publishes accepted; malformed ones refused, publishing
// without the explicit confirmation and count refused; the contract's mirror of the outbox vocabulary kept equal; test process.
import { describe, expect, it } from 'vitest';
import { calls } from '../../../main/contract/calls.js';
import { CHAIN_OUTBOX_KINDS, ChainOutboxItem } from '../../../main/contract/models.js';
import { OUTBOX_KINDS } from '../../../main/core/chain/outbox.js';

const TWIN = 'twin_0123456789ab';
const REGISTRY = '0x8ba1f109551bD432803012645Ac136ddd64DBA72';
const HASH = `0x${'ab'.repeat(32)}`;

const accepts = (name: keyof typeof calls, input: unknown) => calls[name].input.safeParse(input).success;
const answers = (name: keyof typeof calls, output: unknown) => calls[name].output.safeParse(output).success;

const ITEM = {
  id: 'out_0123456789abcdef',
  kind: 'redeem',
  chainId: 31337,
  registry: REGISTRY,
  twinId: TWIN,
  tokenId: '94203598223456723485702398457029834750293847502938475029384750293847502938475',
  state: 'done',
  txHash: HASH,
  txUrl: `https://sepolia.etherscan.io/tx/${HASH}`,
  error: null,
  createdAt: '2026-03-01T10:00:00.000Z',
  updatedAt: '2026-03-01T10:01:00.000Z',
};

describe('chain call schemas', () => {
  it('defines every chain call', () => {
    expect(Object.keys(calls).filter((name) => name.startsWith('chain.')).sort()).toEqual(
      ['chain.networks', 'chain.addNetwork', 'chain.removeNetwork', 'chain.status', 'chain.mint', 'chain.outbox', 'chain.plan', 'chain.publish'].sort(),
    );
  });

  it('keeps the outbox kinds equal to the studio’s', () => {
    expect([...CHAIN_OUTBOX_KINDS]).toEqual([...OUTBOX_KINDS]);
  });

  it('accepts realistic inputs', () => {
    expect(accepts('chain.networks', {})).toBe(true);
    expect(accepts('chain.addNetwork', { id: 'sepolia', name: 'Sepolia', rpcUrl: 'https://rpc.sepolia.org', chainId: 11155111 })).toBe(true);
    expect(accepts('chain.addNetwork', { id: 'base-sepolia', name: 'Base Sepolia', rpcUrl: 'wss://x.example/v3/KEY', chainId: 84532, explorer: 'https://sepolia.basescan.org/tx/{tx}' })).toBe(true);
    expect(accepts('chain.removeNetwork', { id: 'sepolia' })).toBe(true);
    expect(accepts('chain.status', { networkId: 'local' })).toBe(true);
    expect(accepts('chain.mint', { twinId: TWIN, networkId: 'local' })).toBe(true);
    expect(accepts('chain.outbox', {})).toBe(true);
    expect(accepts('chain.outbox', { twinId: TWIN })).toBe(true);
    expect(accepts('chain.plan', { networkId: 'sepolia' })).toBe(true);
    expect(accepts('chain.publish', { networkId: 'local', confirm: true, planned: 2 })).toBe(true);
  });

  it('leaves the values of a new network to the studio, refusing only shapes', () => {
    // The studio names the field of a bad URL or explorer; the schema lets them through to it.
    expect(accepts('chain.addNetwork', { id: 'x', name: 'X', rpcUrl: 'ftp://nope', chainId: 0 })).toBe(true);
    expect(accepts('chain.addNetwork', { id: 'sepolia', name: 'Sepolia', rpcUrl: 'https://rpc.sepolia.org' })).toBe(false);
    expect(accepts('chain.addNetwork', { id: 'sepolia', name: 'Sepolia', rpcUrl: 'https://rpc.sepolia.org', chainId: '11155111' })).toBe(false);
    expect(accepts('chain.addNetwork', { id: 'Sepolia Testnet', name: 'Sepolia', rpcUrl: 'https://rpc.sepolia.org', chainId: 1 })).toBe(false);
    expect(accepts('chain.addNetwork', { id: 'sepolia', name: 'Sepolia', rpcUrl: 'https://rpc.sepolia.org', chainId: 1, local: true })).toBe(false);
    expect(accepts('chain.addNetwork', { id: 'sepolia', name: 'Sepolia', rpcUrl: 'h'.repeat(3000), chainId: 1 })).toBe(false);
    const nan = calls['chain.addNetwork'].input.safeParse({ id: 'sepolia', name: 'Sepolia', rpcUrl: 'https://rpc.sepolia.org', chainId: Number.NaN });
    expect(nan.success).toBe(false);
    expect(nan.error?.issues[0]).toMatchObject({ path: ['chainId'], message: expect.stringMatching(/positive whole number/) });
  });

  it('refuses malformed ids', () => {
    expect(accepts('chain.removeNetwork', {})).toBe(false);
    expect(accepts('chain.status', { networkId: '-local' })).toBe(false);
    expect(accepts('chain.mint', { twinId: 'twin_xyz', networkId: 'local' })).toBe(false);
    expect(accepts('chain.mint', { twinId: TWIN })).toBe(false);
    expect(accepts('chain.outbox', { twinId: 'all' })).toBe(false);
    expect(accepts('chain.plan', { networkId: 'local', extra: 1 })).toBe(false);
  });

  it('refuses a publish without the explicit confirmation and the count the creator saw', () => {
    expect(accepts('chain.publish', { networkId: 'local', planned: 1 })).toBe(false);
    expect(accepts('chain.publish', { networkId: 'local', confirm: false, planned: 1 })).toBe(false);
    expect(accepts('chain.publish', { networkId: 'local', confirm: 'yes', planned: 1 })).toBe(false);
    expect(accepts('chain.publish', { networkId: 'local', confirm: true })).toBe(false);
    expect(accepts('chain.publish', { networkId: 'local', confirm: true, planned: 0 })).toBe(false);
    expect(accepts('chain.publish', { networkId: 'local', confirm: true, planned: 1.5 })).toBe(false);
  });

  it('answers networks, outbox entries, plans and results with uint256 values as decimal strings', () => {
    expect(
      answers('chain.networks', [
        { id: 'local', name: 'Local chain (private)', rpcUrl: null, chainId: 31337, explorer: null, local: true, running: false },
        { id: 'sepolia', name: 'Sepolia', rpcUrl: 'https://x.example/…', chainId: 11155111, explorer: 'https://sepolia.etherscan.io/tx/{tx}', local: false, running: null },
      ]),
    ).toBe(true);
    expect(answers('chain.outbox', [ITEM, { ...ITEM, state: 'failed', txHash: null, txUrl: null, error: 'TwinAlreadyMinted' }])).toBe(true);
    expect(ChainOutboxItem.safeParse({ ...ITEM, tokenId: 123 }).success).toBe(false);
    expect(ChainOutboxItem.safeParse({ ...ITEM, state: 'mined' }).success).toBe(false);
    expect(ChainOutboxItem.safeParse({ ...ITEM, payload: { signature: '0x' } }).success).toBe(true);
    expect(ChainOutboxItem.parse({ ...ITEM, payload: { signature: '0x' } })).not.toHaveProperty('payload');

    const plan = {
      network: { id: 'local', name: 'Local chain (private)' },
      transactions: [{ item: { ...ITEM, state: 'queued', txHash: null, txUrl: null }, description: 'Mint twin twin_0123456789ab (token 0xabababab…)', gas: '182345', feeWei: '364690000000000', feeEth: '0.00036469' }],
      totalFeeWei: '364690000000000',
      totalFeeEth: '0.00036469',
      settled: [],
      failed: [],
    };
    expect(answers('chain.plan', plan)).toBe(true);
    expect(answers('chain.plan', { ...plan, totalFeeWei: 364690000000000 })).toBe(false);
    expect(answers('chain.plan', { ...plan, transactions: [{ ...plan.transactions[0], gas: '1.5e5' }] })).toBe(false);
    expect(answers('chain.publish', { network: plan.network, settled: [], sent: [ITEM], failed: [] })).toBe(true);
    expect(
      answers('chain.status', { network: { id: 'local', name: 'Local chain (private)', rpcUrl: 'http://127.0.0.1:8545', chainId: 31337, explorer: null, local: true, running: true }, reachable: true, problem: null, blockNumber: 12, registry: REGISTRY, deployed: true, pending: [] }),
    ).toBe(true);
  });
});
