// The chain calls through the bridge's handlers and dispatcher over a real studio: networks added with each bad value
// named at its field, a mint signed and queued with no chain running, the plan's gas shown with nothing sent, a
// publish refused when the queue changed since the review and done when it did not; test process.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Dispatcher, createDispatcher } from '../../../main/bridge/dispatch.js';
import { createHandlers } from '../../../main/bridge/handlers.js';
import { defaultTwinRules } from '../../../main/contract/models.js';
import { registryAddress } from '../../../main/core/chain/deploy.js';
import { twinTokenId } from '../../../main/core/chain/registry.js';
import { type Studio, openStudio } from '../../../main/core/studio.js';
import { suiteDir } from '../../support/tmp.js';
import { addStoredVoiceModel } from '../../fixtures/stored-voice-model.js';
import { dispatchCalls } from '../../support/dispatch.js';

const PASSPHRASE = 'a long and private passphrase';
/** Nothing listens on the discard port: a network that is never reachable. */
const DEAD_RPC = 'http://127.0.0.1:9';

let studio: Studio;
let removeHome: () => void;
let voiceModel: string;
const logged: string[] = [];
let dispatcher: Dispatcher;
const { call, refusal } = dispatchCalls(() => dispatcher);

async function sealTwin(name: string): Promise<string> {
  return (await call('twin.pack', { name, rules: defaultTwinRules(), voiceModel })).id;
}

beforeAll(async () => {
  vi.stubEnv('LIKENESS_SCRYPT_N', String(2 ** 12));
  const home = suiteDir();
  removeHome = home.remove;
  studio = openStudio(home.dir);
  dispatcher = createDispatcher(createHandlers(studio, 'loopback'), (message) => logged.push(message));
  await studio.identity.create(PASSPHRASE);
  await studio.identity.unlock(PASSPHRASE);
  voiceModel = (await addStoredVoiceModel(studio, 50_000)).id;
}, 60_000);

afterAll(async () => {
  await studio?.close();
  removeHome?.();
  vi.unstubAllEnvs();
});

describe('chain calls through the handlers', () => {
  it('lists the local chain, not running, before anything used it', async () => {
    expect(await call('chain.networks', {})).toEqual([{ id: 'local', name: 'Local chain (private)', rpcUrl: null, chainId: 31337, explorer: null, local: true, running: false }]);
  });

  it('adds a network, refusing each bad value at its field, and shows its RPC address without the key', async () => {
    const sepolia = { id: 'sepolia', name: 'Sepolia', rpcUrl: 'https://eth-sepolia.example/v2/SECRETKEY', chainId: 11155111 };
    expect(await refusal('chain.addNetwork', { ...sepolia, rpcUrl: 'ftp://rpc.example' })).toMatchObject({ code: 'invalid-input', issues: [{ path: 'rpcUrl', message: expect.stringMatching(/http, https, ws or wss URL/) }] });
    expect(await refusal('chain.addNetwork', { ...sepolia, rpcUrl: 'not a url' })).toMatchObject({ code: 'invalid-input', issues: [{ path: 'rpcUrl' }] });
    expect(await refusal('chain.addNetwork', { ...sepolia, chainId: 0 })).toMatchObject({ code: 'invalid-input', issues: [{ path: 'chainId' }] });
    expect(await refusal('chain.addNetwork', { ...sepolia, explorer: 'https://sepolia.etherscan.io/tx/' })).toMatchObject({ code: 'invalid-input', issues: [{ path: 'explorer', message: expect.stringMatching(/\{tx\}/) }] });
    expect(await refusal('chain.addNetwork', { ...sepolia, id: 'local' })).toMatchObject({ code: 'invalid-input', issues: [{ path: 'id' }] });
    expect(await refusal('chain.addNetwork', { ...sepolia, id: 'Sepolia!' })).toMatchObject({ code: 'invalid-input', issues: [{ path: 'id' }] });

    const added = await call('chain.addNetwork', { ...sepolia, explorer: 'https://sepolia.etherscan.io/tx/{tx}' });
    expect(added).toEqual({ id: 'sepolia', name: 'Sepolia', rpcUrl: 'https://eth-sepolia.example/…', chainId: 11155111, explorer: 'https://sepolia.etherscan.io/tx/{tx}', local: false, running: null });
    expect(JSON.stringify(await call('chain.networks', {}))).not.toContain('SECRETKEY');
    expect((await call('chain.networks', {})).map((n) => n.id)).toEqual(['local', 'sepolia']);

    expect(await call('chain.removeNetwork', { id: 'sepolia' })).toEqual({ id: 'sepolia' });
    expect(await refusal('chain.removeNetwork', { id: 'sepolia' })).toMatchObject({ code: 'not-found' });
    expect(await refusal('chain.removeNetwork', { id: 'local' })).toMatchObject({ code: 'invalid-input' });
    expect((await call('chain.networks', {})).map((n) => n.id)).toEqual(['local']);
  });

  it('mints with no chain reachable or running: signed and queued', async () => {
    await call('chain.addNetwork', { id: 'offline', name: 'Offline', rpcUrl: DEAD_RPC, chainId: 424242 });
    const twinId = await sealTwin('Offline twin');
    const away = await call('chain.mint', { twinId, networkId: 'offline' });
    expect(away).toMatchObject({ kind: 'redeem', state: 'queued', chainId: 424242, twinId, registry: registryAddress(), txHash: null, txUrl: null, error: null });
    expect(away).not.toHaveProperty('payload');
    const local = await call('chain.mint', { twinId, networkId: 'local' });
    expect(local).toMatchObject({ state: 'queued', chainId: 31337, tokenId: twinTokenId((await studio.twins.inspect(twinId)).manifestDigest).toString() });
    expect((await call('chain.mint', { twinId, networkId: 'local' })).id).toBe(local.id);
    expect((await call('chain.outbox', { twinId })).map((i) => i.id).sort()).toEqual([away.id, local.id].sort());
    expect((await call('chain.networks', {}))[0]).toMatchObject({ id: 'local', running: false });

    const status = await call('chain.status', { networkId: 'offline' });
    expect(status).toMatchObject({ reachable: false, deployed: false, blockNumber: null, pending: [{ id: away.id }] });
    expect(status.problem).toEqual(expect.any(String));
    expect(await refusal('chain.mint', { twinId, networkId: 'nowhere' })).toMatchObject({ code: 'not-found' });
  });

  it('plans with the gas and fee shown and sends nothing; refuses a publish whose count changed; publishes what was reviewed', async () => {
    const twinId = await sealTwin('Published twin');
    const first = await call('chain.mint', { twinId, networkId: 'local' });
    const earlier = (await call('chain.outbox', {})).filter((i) => i.chainId === 31337 && i.state === 'queued');

    const plan = await call('chain.plan', { networkId: 'local' });
    expect(plan.network).toEqual({ id: 'local', name: 'Local chain (private)' });
    expect(plan.transactions.map((t) => t.item.id).sort()).toEqual(earlier.map((i) => i.id).sort());
    const mine = plan.transactions.find((t) => t.item.id === first.id)!;
    expect(mine.description).toMatch(/^Mint twin /);
    expect(BigInt(mine.gas)).toBeGreaterThan(100_000n);
    expect(BigInt(mine.feeWei)).toBeGreaterThan(0n);
    expect(mine.feeEth).toMatch(/^0\.\d+$/);
    expect(BigInt(plan.totalFeeWei)).toBe(plan.transactions.reduce((sum, t) => sum + BigInt(t.feeWei), 0n));
    expect((await call('chain.outbox', { twinId }))[0]).toMatchObject({ id: first.id, state: 'queued', txHash: null });
    expect((await call('chain.networks', {}))[0]).toMatchObject({ id: 'local', running: true });

    const changed = await refusal('chain.publish', { networkId: 'local', confirm: true, planned: plan.transactions.length + 1 });
    expect(changed.code).toBe('conflict');
    expect(changed.message).toMatch(/the queue changed.*review again/);
    expect((await call('chain.outbox', { twinId }))[0]).toMatchObject({ state: 'queued', txHash: null });
    expect(await refusal('chain.publish', { networkId: 'local', planned: plan.transactions.length })).toMatchObject({ code: 'invalid-input', issues: [{ path: 'confirm' }] });

    const published = await call('chain.publish', { networkId: 'local', confirm: true, planned: plan.transactions.length });
    expect(published.sent.map((s) => s.id).sort()).toEqual(plan.transactions.map((t) => t.item.id).sort());
    const done = (await call('chain.outbox', { twinId }))[0]!;
    expect(done).toMatchObject({ id: first.id, state: 'done', tokenId: first.tokenId, txHash: expect.stringMatching(/^0x[0-9a-f]{64}$/), txUrl: null, error: null });

    const status = await call('chain.status', { networkId: 'local' });
    expect(status).toMatchObject({ reachable: true, deployed: true, registry: registryAddress(), problem: null, pending: [] });
    expect(status.network).toMatchObject({ id: 'local', local: true, running: true, rpcUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(status.blockNumber).toBeGreaterThan(0);

    const nothing = await call('chain.plan', { networkId: 'local' });
    expect(nothing.transactions).toEqual([]);
    expect(nothing.totalFeeWei).toBe('0');
    expect(logged).toEqual([]);
  });
});
