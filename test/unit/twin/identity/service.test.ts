// IdentityService over a data home: files and modes, refusals, unlock deadline, backup check, nothing secret in the state file.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HDNodeWallet } from 'ethers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDispatcher } from '../../../../main/bridge/dispatch.js';
import { createHandlers } from '../../../../main/bridge/handlers.js';
import type { Studio } from '../../../../main/core/studio.js';
import { recoverManifestSigner, signManifest } from '../../../../main/core/twin/identity/eip712.js';
import { IdentityError, createIdentity } from '../../../../main/core/twin/identity/keystore.js';
import { IdentityService } from '../../../../main/core/twin/identity/service.js';
import { tempDir } from '../../../support/tmp.js';

const FAST = { scryptN: 2 ** 12 };
const PASS = 'correct horse battery';
const MANIFEST = `sha256:${'ab'.repeat(32)}`;

async function reason(promise: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    if (error instanceof IdentityError) return error.reason;
    throw error;
  }
  return undefined;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('IdentityService', () => {
  it('starts with no identity, and says so for everything that needs one', async () => {
    const service = new IdentityService(tempDir(), FAST);
    expect(service.status()).toEqual({ exists: false, unlocked: false, backedUp: false });
    expect(await reason(() => service.exportKeystore())).toBe('none');
    expect(await reason(service.unlock(PASS))).toBe('none');
    expect(await reason(() => service.backupChallenge())).toBe('none');
    expect(await reason(() => service.signer())).toBe('locked');
  });

  it('creates the keystore 0600 in a 0700 folder, with a secret-free state beside it', async () => {
    const home = tempDir();
    const service = new IdentityService(home, FAST);
    const { address, words } = await service.create(PASS);
    expect(words).toHaveLength(12);
    expect(service.status()).toEqual({ exists: true, address, unlocked: false, backedUp: false });
    const dir = join(home, 'identity');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'keystore.json')).mode & 0o777).toBe(0o600);
    const keystore = readFileSync(join(dir, 'keystore.json'), 'utf8');
    expect(keystore).not.toContain(words.join(' '));
    expect(keystore).not.toContain(PASS);
    const state = readFileSync(join(dir, 'state.json'), 'utf8');
    expect(JSON.parse(state)).toEqual({ address, backedUp: false });
    expect(service.exportKeystore()).toBe(keystore);
    expect(await reason(service.create(PASS))).toBe('exists');
  });

  it('unlocks to a signer whose manifest signatures recover to the identity, and refuses a wrong passphrase', async () => {
    const service = new IdentityService(tempDir(), FAST);
    const { address } = await service.create(PASS);
    expect(await reason(service.unlock('wrong passphrase'))).toBe('wrong-passphrase');
    expect(service.status().unlocked).toBe(false);
    const status = await service.unlock(PASS);
    expect(status.unlocked).toBe(true);
    const signer = service.signer();
    expect(signer.address).toBe(address);
    // Only the key stays in memory, not the recovery words.
    expect(signer).not.toBeInstanceOf(HDNodeWallet);
    expect(recoverManifestSigner(MANIFEST, address, await signManifest(signer, MANIFEST, address))).toBe(address);
    service.lock();
    expect(service.status().unlocked).toBe(false);
    expect(await reason(() => service.signer())).toBe('locked');
  });

  it('relocks at a fixed deadline, by its timer or by the clock', async () => {
    const service = new IdentityService(tempDir(), FAST);
    await service.create(PASS);
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    const status = await service.unlock(PASS, 60_000);
    expect(status.unlockExpiresAt).toBe('2026-01-01T00:01:00.000Z');
    vi.advanceTimersByTime(30_000);
    service.signer();
    // Using the key does not move the deadline.
    expect(service.status().unlockExpiresAt).toBe('2026-01-01T00:01:00.000Z');
    vi.advanceTimersByTime(30_000);
    expect(service.status()).toMatchObject({ unlocked: false });
    expect(service.status().unlockExpiresAt).toBeUndefined();
    vi.useRealTimers();

    // A clock that jumps (a laptop waking from sleep) locks even before the timer fires.
    let now = 1_000_000;
    const clocked = new IdentityService(tempDir(), { ...FAST, now: () => now });
    await clocked.create(PASS);
    await clocked.unlock(PASS, 60_000);
    now += 60_000;
    expect(await reason(() => clocked.signer())).toBe('locked');
    expect(clocked.status().unlocked).toBe(false);
  });

  it('restores the same address from the words, and refuses to replace an identity without being told to', async () => {
    const original = await createIdentity(PASS, FAST);
    const home = tempDir();
    const service = new IdentityService(home, FAST);
    await service.create(PASS);
    const before = service.exportKeystore();
    expect(await reason(service.importMnemonic(original.mnemonic, PASS))).toBe('exists');
    expect(await reason(service.importKeystore(original.keystoreJson, PASS))).toBe('exists');
    expect(readFileSync(join(home, 'identity', 'keystore.json'), 'utf8')).toBe(before);

    await service.unlock(PASS);
    const restored = await service.importMnemonic(original.mnemonic, 'a new passphrase', { replace: true });
    expect(restored).toEqual({ exists: true, address: original.address, unlocked: false, backedUp: true });
    expect(await reason(() => service.signer())).toBe('locked');
    expect((await service.unlock('a new passphrase')).address).toBe(original.address);

    const fromFile = await service.importKeystore(original.keystoreJson, PASS, { replace: true });
    expect(fromFile).toMatchObject({ address: original.address, backedUp: true });
    expect(service.exportKeystore()).toBe(original.keystoreJson);
    expect(await reason(service.importKeystore('{"version":3}', PASS, { replace: true }))).toBe('bad-keystore');
    expect(service.exportKeystore()).toBe(original.keystoreJson);
  });

  it('reveals the words only with the passphrase', async () => {
    const service = new IdentityService(tempDir(), FAST);
    const { words } = await service.create(PASS);
    expect(await service.revealMnemonic(PASS)).toEqual(words);
    expect(await reason(service.revealMnemonic('wrong passphrase'))).toBe('wrong-passphrase');
  });

  it('asks three distinct words back and marks the backup only when all are right', async () => {
    const home = tempDir();
    const service = new IdentityService(home, FAST);
    const { words, address } = await service.create(PASS);
    expect(await reason(service.confirmBackup({}, PASS))).toBe('backup-check-failed');
    const { positions } = service.backupChallenge();
    expect(new Set(positions).size).toBe(3);
    for (const p of positions) expect(p >= 1 && p <= 12).toBe(true);

    const right = Object.fromEntries(positions.map((p) => [p, words[p - 1]!]));
    const first = positions[0]!;
    const wrong = { ...right, [first]: words[first - 1] === 'zoo' ? 'abandon' : 'zoo' };
    expect(await reason(service.confirmBackup(wrong, PASS))).toBe('backup-check-failed');
    expect(await reason(service.confirmBackup(right, 'wrong passphrase'))).toBe('wrong-passphrase');
    expect(service.status().backedUp).toBe(false);

    const shouted = Object.fromEntries(positions.map((p) => [p, ` ${words[p - 1]!.toUpperCase()} `]));
    expect((await service.confirmBackup(shouted, PASS)).backedUp).toBe(true);
    expect(JSON.parse(readFileSync(join(home, 'identity', 'state.json'), 'utf8'))).toEqual({ address, backedUp: true });
    // A fresh service on the same home (a restart) still knows.
    expect(new IdentityService(home, FAST).status().backedUp).toBe(true);
  });

  it('does not count a backup confirmed for an earlier identity', async () => {
    const home = tempDir();
    const service = new IdentityService(home, FAST);
    const first = await service.create(PASS);
    writeFileSync(join(home, 'identity', 'state.json'), JSON.stringify({ address: first.address, backedUp: true }));
    expect(service.status().backedUp).toBe(true);
    const other = await createIdentity(PASS, FAST);
    // As if a crash had struck between writing the new keystore and its state.
    writeFileSync(join(home, 'identity', 'keystore.json'), other.keystoreJson);
    expect(service.status()).toMatchObject({ address: other.address, backedUp: false });
  });

  it('runs concurrent creates one at a time, so only one identity is ever shown', async () => {
    const service = new IdentityService(tempDir(), FAST);
    const results = await Promise.allSettled([service.create(PASS), service.create(PASS)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected');
    expect((refused as PromiseRejectedResult).reason).toMatchObject({ reason: 'exists' });
  });

  it('works over the contract, which never carries the private key', async () => {
    const service = new IdentityService(tempDir(), FAST);
    // Only the identity calls are made here, so a studio with just its identity is enough.
    const dispatcher = createDispatcher(createHandlers({ identity: service } as unknown as Studio, 'loopback'), () => undefined);
    const answers: unknown[] = [];
    const call = async (name: string, input: unknown) => {
      const answer = await dispatcher.invoke(name, input);
      answers.push(answer);
      return answer;
    };
    const created = (await call('identity.create', { passphrase: PASS })) as { ok: true; value: { address: string; words: string[] } };
    expect(created.ok).toBe(true);
    const { words, address } = created.value;
    expect(await call('identity.create', { passphrase: PASS })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await call('identity.unlock', { passphrase: 'wrong passphrase' })).toMatchObject({ ok: false, error: { code: 'forbidden', message: 'Wrong passphrase for this identity.' } });
    expect(await call('identity.unlock', { passphrase: PASS, minutes: 5 })).toMatchObject({ ok: true, value: { unlocked: true, address } });
    const challenge = (await call('identity.backupChallenge', {})) as { ok: true; value: { positions: number[] } };
    const right = Object.fromEntries(challenge.value.positions.map((p) => [String(p), words[p - 1]]));
    expect(await call('identity.confirmBackup', { answers: right, passphrase: PASS })).toMatchObject({ ok: true, value: { backedUp: true } });
    expect(await call('identity.revealWords', { passphrase: PASS })).toEqual({ ok: true, value: { words } });
    const exported = (await call('identity.exportKeystore', {})) as { ok: true; value: { json: string } };
    expect(exported.value.json).toBe(service.exportKeystore());
    expect(await call('identity.lock', {})).toMatchObject({ ok: true, value: { unlocked: false } });
    expect(await call('identity.importMnemonic', { phrase: words.join(' '), passphrase: 'short', replace: true })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await call('identity.unlock', { passphrase: PASS, minutes: 0 })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });

    await service.unlock(PASS);
    const key = service.signer().privateKey.slice(2);
    expect(JSON.stringify(answers)).not.toContain(key);
  });
});
