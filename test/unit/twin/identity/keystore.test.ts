// Keystores: create/unlock round trip, wrong passphrase, nothing secret in clear, mnemonic and keystore import, refusals.
import { HDNodeWallet, Wallet, encryptKeystoreJson } from 'ethers';
import { describe, expect, it } from 'vitest';
import { IdentityError, KEYSTORE_SCRYPT_N, createIdentity, importFromKeystore, importFromMnemonic, keystoreAddress, recoveryWordCount, unlockKeystore } from '../../../../main/core/twin/identity/keystore.js';

const FAST = { scryptN: 2 ** 12 };
const PASS = 'correct horse battery';

async function reason(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof IdentityError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('identity keystore', () => {
  it('stores keystores at scrypt N = 2**17 unless told otherwise', () => {
    expect(KEYSTORE_SCRYPT_N).toBe(131072);
  });

  it('creates an identity whose keystore unlocks to the same key and words', async () => {
    const created = await createIdentity(PASS, FAST);
    expect(created.address).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(created.mnemonic.split(' ')).toHaveLength(12);
    const parsed = JSON.parse(created.keystoreJson) as { version: number; Crypto: { kdf: string; kdfparams: { n: number } }; 'x-ethers': { mnemonicCiphertext: string } };
    expect(parsed.version).toBe(3);
    expect(parsed.Crypto.kdf).toBe('scrypt');
    expect(parsed.Crypto.kdfparams.n).toBe(2 ** 12);
    expect(parsed['x-ethers'].mnemonicCiphertext).toMatch(/^[0-9a-f]{32}$/);
    expect(keystoreAddress(created.keystoreJson)).toBe(created.address);
    expect(recoveryWordCount(created.keystoreJson)).toBe(12);

    const wallet = await unlockKeystore(created.keystoreJson, PASS);
    expect(wallet).toBeInstanceOf(HDNodeWallet);
    expect(wallet.address).toBe(created.address);
    expect((wallet as HDNodeWallet).mnemonic?.phrase).toBe(created.mnemonic);
  });

  it('keeps neither the recovery words nor the private key in clear in the keystore', async () => {
    const created = await createIdentity(PASS, FAST);
    const wallet = await unlockKeystore(created.keystoreJson, PASS);
    const text = created.keystoreJson.toLowerCase();
    expect(text).not.toContain(created.mnemonic);
    // Field names such as "address" and "salt" are BIP-39 words themselves: look for the words among the values only.
    const values: string[] = [];
    JSON.parse(created.keystoreJson, (_key, value: unknown) => (typeof value === 'string' && values.push(value.toLowerCase()), value));
    for (const word of new Set(created.mnemonic.split(' '))) for (const value of values) expect(value).not.toMatch(new RegExp(`\\b${word}\\b`));
    // The words' entropy is the same secret in another spelling.
    expect(text).not.toContain((wallet as HDNodeWallet).mnemonic!.entropy.slice(2));
    expect(text).not.toContain(wallet.privateKey.slice(2).toLowerCase());
    expect(text).not.toContain(PASS);
  });

  it('refuses a wrong passphrase, and a file that is not a keystore, with distinct reasons', async () => {
    const created = await createIdentity(PASS, FAST);
    expect(await reason(unlockKeystore(created.keystoreJson, 'not the passphrase'))).toBe('wrong-passphrase');
    expect(await reason(unlockKeystore('{"hello":1}', PASS))).toBe('bad-keystore');
    expect(await reason(unlockKeystore('not json', PASS))).toBe('bad-keystore');
    const damaged = JSON.parse(created.keystoreJson) as { Crypto: { kdf: string } };
    damaged.Crypto.kdf = 'argon9';
    expect(await reason(unlockKeystore(JSON.stringify(damaged), PASS))).toBe('bad-keystore');
  });

  it('refuses weak passphrases for new keystores', async () => {
    expect(await reason(createIdentity('short', FAST))).toBe('weak-passphrase');
    expect(await reason(createIdentity('        ', FAST))).toBe('weak-passphrase');
  });

  it('restores the same address from the recovery words, however they are spaced', async () => {
    const created = await createIdentity(PASS, FAST);
    const messy = `  ${created.mnemonic.toUpperCase().split(' ').join('  \n')} `;
    const restored = await importFromMnemonic(messy, 'another passphrase', FAST);
    expect(restored.address).toBe(created.address);
    const wallet = await unlockKeystore(restored.keystoreJson, 'another passphrase');
    expect((wallet as HDNodeWallet).mnemonic?.phrase).toBe(created.mnemonic);
  });

  it('refuses words that are not a valid BIP-39 phrase', async () => {
    const created = await createIdentity(PASS, FAST);
    const words = created.mnemonic.split(' ');
    expect(await reason(importFromMnemonic(`${words.slice(0, 11).join(' ')} notaword`, PASS, FAST))).toBe('bad-mnemonic');
    expect(await reason(importFromMnemonic('abandon abandon', PASS, FAST))).toBe('bad-mnemonic');
    // 'abandon' twelve times has a wrong checksum (the valid phrase ends in 'about').
    expect(await reason(importFromMnemonic(Array(12).fill('abandon').join(' '), PASS, FAST))).toBe('bad-mnemonic');
  });

  it('imports a keystore made elsewhere, keeping it when its KDF is as strong and re-encrypting it when weaker', async () => {
    const created = await createIdentity(PASS, FAST);
    const kept = await importFromKeystore(created.keystoreJson, PASS, FAST);
    expect(kept).toEqual({ keystoreJson: created.keystoreJson, address: created.address });
    expect(await reason(importFromKeystore(created.keystoreJson, 'wrong passphrase', FAST))).toBe('wrong-passphrase');

    // A geth-style "light" keystore without recovery words and a cheaper scrypt: kept as a plain key, re-encrypted.
    const plain = Wallet.createRandom();
    const light = await encryptKeystoreJson({ address: plain.address, privateKey: plain.privateKey }, 'short', { scrypt: { N: 2 ** 10 } });
    const imported = await importFromKeystore(light, 'short', FAST);
    expect(imported.address).toBe(plain.address);
    expect((JSON.parse(imported.keystoreJson) as { Crypto: { kdfparams: { n: number } } }).Crypto.kdfparams.n).toBe(2 ** 12);
    const unlocked = await unlockKeystore(imported.keystoreJson, 'short');
    expect(unlocked).not.toBeInstanceOf(HDNodeWallet);
    expect(unlocked.privateKey).toBe(plain.privateKey);
    expect(recoveryWordCount(imported.keystoreJson)).toBeUndefined();
  });

  it('never quotes the secret in its error messages', async () => {
    const created = await createIdentity(PASS, FAST);
    const wrong = await unlockKeystore(created.keystoreJson, 'my secret guess').catch((error: unknown) => error);
    expect(wrong).toBeInstanceOf(IdentityError);
    expect(String(wrong)).not.toContain('my secret guess');
    const bad = await importFromMnemonic(`${created.mnemonic} extra`, PASS, FAST).catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(IdentityError);
    expect((bad as Error).message).not.toContain(created.mnemonic.split(' ').slice(0, 3).join(' '));
  });
});
