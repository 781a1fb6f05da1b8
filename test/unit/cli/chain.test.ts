// `likeness mint` / `likeness publish` as real processes: the studio killed with SIGKILL mid-publish loses no queue
// entry and never mints twice; usage errors are named.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT } from '../../../main/cli/exit-codes.js';
import { registryAddress } from '../../../main/core/chain/deploy.js';
import { RegistryClient, twinTokenId } from '../../../main/core/chain/registry.js';
import { openStudio } from '../../../main/core/studio.js';
import { defaultRules } from '../../../main/core/twin/rules/schema.js';
import { CLI, runCliProcess } from '../../support/serve.js';
import { suiteDir } from '../../support/tmp.js';
import { addStoredVoiceModel } from '../../fixtures/stored-voice-model.js';

const PASSPHRASE = 'a long and private passphrase';
const ENV = { LIKENESS_SCRYPT_N: String(2 ** 12), LIKENESS_PASSPHRASE: PASSPHRASE };

let home: string;
let removeHome: () => void;
let twinId: string;

beforeAll(async () => {
  vi.stubEnv('LIKENESS_SCRYPT_N', ENV.LIKENESS_SCRYPT_N);
  ({ dir: home, remove: removeHome } = suiteDir());
  const studio = openStudio(home);
  try {
    await studio.identity.create(PASSPHRASE);
    await studio.identity.unlock(PASSPHRASE);
    const voiceModel = (await addStoredVoiceModel(studio, 20_000)).id;
    twinId = (await studio.twins.pack({ name: 'Crash', rules: defaultRules(), voiceModel })).id;
  } finally {
    await studio.close();
  }
}, 60_000);

afterAll(() => {
  removeHome?.();
  vi.unstubAllEnvs();
});

/** Runs `likeness publish --yes` and kills it with SIGKILL as soon as it says a transaction was sent. */
function publishAndKill(): Promise<string> {
  return new Promise((resolve, reject) => {
    // Blocks every 3 s, as on a public chain: the transaction waits in the mempool while the studio is killed.
    const child = spawn(process.execPath, [CLI, 'publish', '--yes', '--home', home], { env: { ...process.env, ...ENV, LIKENESS_LOCAL_BLOCK_TIME: '3' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/Sent redeem/.test(stderr)) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(stderr) : reject(new Error(`publish ended by itself (${code}) before it could be killed:\n${stderr}`))));
  });
}

describe('likeness mint and publish', () => {
  it('names what is missing', async () => {
    const noTwin = await runCliProcess(['mint', '--home', home], ENV);
    expect(noTwin.code).toBe(EXIT.usage);
    expect(noTwin.stderr).toMatch(/mint needs a twin id/);
    const noNetwork = await runCliProcess(['chain', 'status', '--network', 'sepolia', '--home', home], ENV);
    expect(noNetwork.code).not.toBe(EXIT.ok);
    expect(noNetwork.stderr).toMatch(/No network "sepolia"/);
  });

  it('survives the studio being killed mid-publish: the voucher stays queued as sent and is minted exactly once', async () => {
    const minted = await runCliProcess(['mint', twinId, '--home', home, '--json'], ENV);
    expect(minted.code).toBe(EXIT.ok);
    const item = JSON.parse(minted.stdout) as { id: string; tokenId: string };

    const said = await publishAndKill();
    expect(said).toMatch(/Mint twin .*: [\d,]+ gas, about/);

    const studio = openStudio(home);
    try {
      expect(studio.chain.outbox.require(item.id).state).toBe('sent');
      await studio.identity.unlock(PASSPHRASE);
      const resumed = await studio.chain.publish('local', { confirm: () => true });
      expect([...resumed.sent, ...resumed.settled].map((s) => s.id)).toEqual([item.id]);
      expect(studio.chain.outbox.require(item.id).state).toBe('done');
      const { provider } = await studio.chain.reach('local');
      const registry = new RegistryClient(registryAddress(), provider);
      const twin = await studio.twins.inspect(twinId);
      expect(BigInt(item.tokenId)).toBe(twinTokenId(twin.manifestDigest));
      expect(await registry.contract.queryFilter(registry.contract.filters.TwinMinted!(BigInt(item.tokenId)), 0)).toHaveLength(1);
    } finally {
      await studio.close();
    }
  });
});
