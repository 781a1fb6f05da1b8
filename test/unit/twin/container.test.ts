// The twin container end to end on small twins: seal, inspect, verify, open; key grants, rule versions, expiry,
// rotation and erasure; bad input; and tamper detection, naive and adversarial (test/support/twin-tamper.ts).
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, createReadStream, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Wallet } from 'ethers';
import type { BaseWallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ciphertextSizeFor, createDecryptStream } from '../../../main/core/twin/crypto/chunked-gcm.js';
import { TwinCryptoError } from '../../../main/core/twin/crypto/errors.js';
import { unwrapKey } from '../../../main/core/twin/crypto/envelope.js';
import {
  DESCRIPTOR_MEDIA_TYPE,
  jsonBytes,
  PART_ANNOTATION,
  PART_FILES,
  PART_MEDIA_TYPE,
  REF_NAME_ANNOTATION,
  TWIN_ARTIFACT_TYPE,
  TWIN_REF_NAME,
} from '../../../main/core/twin/format.js';
import type { PartName } from '../../../main/core/twin/format.js';
import { contentKeyFor, eraseKeys, grantKey } from '../../../main/core/twin/keys.js';
import { currentRules, loadTwin, TwinError } from '../../../main/core/twin/load.js';
import type { LoadedTwin } from '../../../main/core/twin/load.js';
import { openTwin } from '../../../main/core/twin/open.js';
import { rotateTwin } from '../../../main/core/twin/rotate.js';
import { publishRules, RulesInvalidError } from '../../../main/core/twin/rule-versions.js';
import { defaultRules } from '../../../main/core/twin/rules/schema.js';
import type { TwinRules } from '../../../main/core/twin/rules/schema.js';
import { sealTwin } from '../../../main/core/twin/seal.js';
import type { PartSource } from '../../../main/core/twin/seal.js';
import { verifyTwin } from '../../../main/core/twin/verify.js';
import { suiteDir } from '../../support/tmp.js';
import { isDetected, seededRng, Tamperer, verifyCheck } from '../../support/twin-tamper.js';
import type { AdversarialResult, FlipResult, TamperCheck, TargetedResult } from '../../support/twin-tamper.js';

type Json = Record<string, unknown>;

const BLOB_KINDS = ['manifest', 'config', 'layer', 'signature-manifest', 'signature-payload', 'key-manifest', 'key-payload', 'rules-manifest', 'rules-payload', 'empty-config'];

// Signature recovery and public key to address are pure and cost milliseconds of JS elliptic-curve maths; the tamper
// runs check the same few signatures and keys thousands of times, so both are memoised on their exact arguments (a
// tampered argument is a new key, computed afresh; a throw is never cached).
const { memo } = vi.hoisted(() => ({
  memo: <A extends unknown[]>(fn: (...args: A) => string) => {
    const cache = new Map<string, string>();
    return (...args: A): string => {
      const key = JSON.stringify(args, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
      let result = cache.get(key);
      if (result === undefined) {
        result = fn(...args);
        cache.set(key, result);
      }
      return result;
    };
  },
}));
vi.mock('../../../main/core/twin/identity/eip712.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../main/core/twin/identity/eip712.js')>();
  return {
    ...actual,
    recoverManifestSigner: memo(actual.recoverManifestSigner),
    recoverRulesSigner: memo(actual.recoverRulesSigner),
    recoverKeyGrantSigner: memo(actual.recoverKeyGrantSigner),
  };
});
vi.mock('ethers', async (importOriginal) => {
  const actual = await importOriginal<typeof import('ethers')>();
  const fromString = memo((key: string) => actual.computeAddress(key));
  return { ...actual, computeAddress: (key: string | InstanceType<typeof actual.SigningKey>) => (typeof key === 'string' ? fromString(key) : actual.computeAddress(key)) };
});

const CHUNK = 4096;
const NOW = new Date('2026-03-01T12:00:00Z');

/** Sizes chosen for the chunk edges: many chunks, an exact multiple (trailer alone in the last chunk), a trailer split over two chunks, empty. */
const PART_SIZES: Record<PartName, number> = {
  'voice-model': 200_000,
  'voice-report': 3_000,
  'face-model': CHUNK * 12,
  'face-idle': CHUNK * 5 - 20,
  'face-report': 0,
  'consent-record': 1_500,
  'consent-take': 60_000,
};

let suite: { dir: string; remove: () => void };
let counter = 0;
const plaintexts = new Map<PartName, Buffer>();

function fresh(label: string): string {
  return join(suite.dir, `${label}-${++counter}`);
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Every part of PART_SIZES; the big ones read from a file in odd-sized pieces, so chunks never line up with reads. */
function allParts(): PartSource[] {
  return (Object.keys(PART_SIZES) as PartName[]).map((name) => {
    const path = join(suite.dir, 'plain', PART_FILES[name]);
    return PART_SIZES[name] > 10_000 ? { name, open: () => createReadStream(path, { highWaterMark: 777 }) } : { name, open: () => Readable.from([plaintexts.get(name)!]) };
  });
}

async function seal(owner: BaseWallet, options: { parts?: PartSource[]; rules?: TwinRules; recipients?: string[] } = {}): Promise<string> {
  const dir = fresh('twin');
  await sealTwin(dir, {
    name: 'Test twin',
    rules: options.rules ?? defaultRules(),
    consent: { digest: sha256(plaintexts.get('consent-record')!), language: 'en', accepted: true, createdAt: NOW.toISOString() },
    models: [{ kind: 'voice', version: 1, createdAt: NOW.toISOString(), figures: { mcdConvertedDb: 6.5 } }],
    parts: options.parts ?? allParts(),
    owner,
    ...(options.recipients ? { recipients: options.recipients } : {}),
    chunkSize: CHUNK,
    now: NOW,
  });
  return dir;
}

async function loaded(dir: string): Promise<LoadedTwin> {
  const { twin, problems } = await loadTwin(dir);
  expect(problems).toEqual([]);
  return twin!;
}

async function refusal(work: Promise<unknown>): Promise<TwinError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TwinError);
  return error as TwinError;
}

function indexBytes(dir: string): Buffer {
  return readFileSync(join(dir, 'index.json'));
}

beforeAll(() => {
  suite = suiteDir('likeness-twin-container-');
  mkdirSync(join(suite.dir, 'plain'));
  for (const [name, size] of Object.entries(PART_SIZES) as [PartName, number][]) {
    const bytes = randomBytes(size);
    plaintexts.set(name, bytes);
    writeFileSync(join(suite.dir, 'plain', PART_FILES[name]), bytes);
  }
});

afterAll(() => suite.remove());

describe('sealing, inspecting, verifying and opening', () => {
  const owner = Wallet.createRandom();
  let dir: string;

  beforeAll(async () => {
    dir = await seal(owner);
  });

  it('seals a layout that loadTwin reads back: owner, parts in order, rules version 1, canonical index naming the twin', async () => {
    expect(readFileSync(join(dir, 'oci-layout'), 'utf8')).toBe('{"imageLayoutVersion":"1.0.0"}');
    const index = JSON.parse(indexBytes(dir).toString('utf8')) as { manifests: { annotations?: Record<string, string>; artifactType?: string }[] };
    expect(Buffer.from(jsonBytes(index)).equals(indexBytes(dir))).toBe(true);
    expect(index.manifests.filter((m) => m.annotations?.[REF_NAME_ANNOTATION] === TWIN_REF_NAME)).toHaveLength(1);

    const twin = await loaded(dir);
    expect(twin.descriptor.owner).toBe(owner.address);
    expect(twin.descriptor.name).toBe('Test twin');
    expect(twin.manifest.artifactType).toBe(TWIN_ARTIFACT_TYPE);
    expect(twin.manifest.config.mediaType).toBe(DESCRIPTOR_MEDIA_TYPE);
    expect(twin.descriptor.parts.map((p) => p.name)).toEqual(Object.keys(PART_SIZES));
    for (const [i, part] of twin.descriptor.parts.entries()) {
      expect(part.size).toBe(ciphertextSizeFor(PART_SIZES[part.name], CHUNK));
      expect(twin.manifest.layers[i]).toEqual({ mediaType: PART_MEDIA_TYPE, digest: part.digest, size: part.size, annotations: { [PART_ANNOTATION]: part.name } });
      expect(readFileSync(join(dir, 'blobs', 'sha256', part.digest.slice(7))).subarray(0, 8).toString('ascii')).toBe('LKNSENC1');
    }
    expect(twin.signatures).toHaveLength(1);
    expect(twin.keys.map((k) => k.payload.envelope.recipient)).toEqual([owner.address]);
    expect(currentRules(twin)).toEqual({ version: 1, rules: defaultRules(), rulesDigest: twin.descriptor.rulesDigest, issuedAt: NOW.toISOString() });
  });

  it('verifies with the owner key, decrypting every layer', async () => {
    const result = await verifyTwin(dir, owner);
    expect(result.problems).toEqual([]);
    expect(result).toMatchObject({ ok: true, decrypted: true });
    expect((await verifyTwin(dir)).decrypted).toBe(false);
  });

  it('opens every part byte-identical to what was sealed', async () => {
    const out = fresh('opened');
    const opened = await openTwin(dir, owner, out, NOW);
    expect(opened.parts.map((p) => p.name)).toEqual(Object.keys(PART_SIZES));
    for (const part of opened.parts) {
      const original = plaintexts.get(part.name)!;
      expect(readFileSync(join(out, PART_FILES[part.name])).equals(original)).toBe(true);
      expect(part).toMatchObject({ size: original.length, plaintextDigest: sha256(original) });
    }
    expect(readdirSync(out).sort()).toEqual(Object.values(PART_FILES).sort());
  });

  it('refuses a wrong key cleanly: no envelope for a stranger, a wrong private key or content key does not open', async () => {
    const stranger = Wallet.createRandom();
    const out = fresh('opened');
    const error = await refusal(openTwin(dir, stranger, out, NOW));
    expect(error.message).toContain(stranger.address);
    expect(error.message).toContain(owner.address);
    expect(existsSync(out)).toBe(false);
    const verified = await verifyTwin(dir, stranger);
    expect(verified.ok).toBe(false);
    expect(verified.problems.map((p) => p.part)).toEqual(['key envelopes']);

    const twin = await loaded(dir);
    const envelope = twin.keys[0]!.payload.envelope;
    expect(() => unwrapKey(envelope, stranger.privateKey, twin.manifestDigest)).toThrow(TwinCryptoError);
    expect(() => unwrapKey(envelope, owner.privateKey, `sha256:${'0'.repeat(64)}`)).toThrow(TwinCryptoError);
    expect(Buffer.from(unwrapKey(envelope, owner.privateKey, twin.manifestDigest)).equals(Buffer.from(contentKeyFor(twin, owner)))).toBe(true);

    const layer = join(dir, 'blobs', 'sha256', twin.descriptor.parts[0]!.digest.slice(7));
    const failure = await new Promise<unknown>((resolve) => {
      const decrypt = createDecryptStream(randomBytes(32));
      decrypt.on('error', resolve).on('data', () => undefined).on('end', () => resolve(undefined));
      createReadStream(layer).pipe(decrypt);
    });
    expect(failure).toBeInstanceOf(TwinCryptoError);
    expect((failure as TwinCryptoError).reason).toBe('wrong-key');
  });
});

describe('key grants and rule versions', () => {
  const owner = Wallet.createRandom();
  const friend = Wallet.createRandom();
  const third = Wallet.createRandom();
  let dir: string;
  let manifestDigest: string;
  let signatureEntry: string;

  function signatureIndexEntry(twin: LoadedTwin): string {
    return JSON.stringify(twin.signatures[0]!.entry);
  }

  beforeAll(async () => {
    dir = await seal(owner);
    const twin = await loaded(dir);
    manifestDigest = twin.manifestDigest;
    signatureEntry = signatureIndexEntry(twin);
  });

  it('grants a key to a second wallet: the manifest and its signature stay, the recipient opens it, a third wallet is refused by address', async () => {
    const granted = await grantKey(dir, owner, friend.signingKey.publicKey, NOW);
    expect(granted).toEqual({ recipient: friend.address, manifestDigest, added: true });
    const twin = await loaded(dir);
    expect(twin.manifestDigest).toBe(manifestDigest);
    expect(signatureIndexEntry(twin)).toBe(signatureEntry);
    expect(twin.keys.map((k) => k.payload.envelope.recipient)).toEqual([owner.address, friend.address]);
    expect(await grantKey(dir, owner, friend.signingKey.compressedPublicKey, NOW)).toEqual({ recipient: friend.address, manifestDigest, added: false });

    const out = fresh('opened');
    const opened = await openTwin(dir, friend, out, NOW);
    for (const part of opened.parts) expect(readFileSync(part.path).equals(plaintexts.get(part.name)!)).toBe(true);
    expect((await verifyTwin(dir, friend)).ok).toBe(true);

    const refused = await refusal(openTwin(dir, third, fresh('opened'), NOW));
    expect(refused.message).toContain(`holds no key for ${third.address}`);
    expect(refused.problems).toEqual([{ part: 'key envelopes', message: `none is for ${third.address}` }]);
  });

  it('a grant after another still notices a descriptor or a key grant changed in place between them', async () => {
    const copy = fresh('edited-between-grants');
    cpSync(dir, copy, { recursive: true });
    await grantKey(copy, owner, third.signingKey.compressedPublicKey, NOW);
    const twin = await loaded(copy);
    const descriptorFile = join(copy, 'blobs', 'sha256', twin.manifest.config.digest.slice('sha256:'.length));
    const original = readFileSync(descriptorFile);
    writeFileSync(descriptorFile, Buffer.from(original.toString('utf8').replace('"name":"', '"name":"X')));
    const edited = await refusal(grantKey(copy, owner, Wallet.createRandom().signingKey.compressedPublicKey, NOW));
    expect(edited.problems.map((p) => p.part)).toEqual(['descriptor']);
    writeFileSync(descriptorFile, original);

    const grant = twin.keys.find((k) => k.payload.envelope.recipient === third.address)!;
    const payloadFile = join(copy, 'blobs', 'sha256', grant.payloadDescriptor.digest.slice('sha256:'.length));
    writeFileSync(payloadFile, Buffer.from(readFileSync(payloadFile).toString('utf8').replace('"grantedAt":"2', '"grantedAt":"3')));
    await grantKey(copy, owner, Wallet.createRandom().signingKey.compressedPublicKey, NOW).then(
      () => expect.unreachable('a changed key grant must be refused'),
      (error: unknown) => expect(error instanceof TwinError && error.problems.some((p) => p.part.startsWith('referrer '))).toBe(true),
    );
  });

  it('grants made at the same moment all land in the index', async () => {
    const copy = fresh('concurrent-grants');
    cpSync(dir, copy, { recursive: true });
    const wallets = Array.from({ length: 4 }, () => Wallet.createRandom());
    const before = (await loaded(copy)).keys.length;
    await Promise.all(wallets.map((w) => grantKey(copy, owner, w.signingKey.compressedPublicKey, NOW)));
    const twin = await loaded(copy);
    expect(twin.keys.length).toBe(before + wallets.length);
    for (const w of wallets) expect(twin.keys.some((k) => k.payload.envelope.recipient === w.address)).toBe(true);
  });

  it('only the owner grants keys', async () => {
    const error = await refusal(grantKey(dir, friend, third.signingKey.publicKey, NOW));
    expect(error.message).toContain(friend.address);
  });

  it('publishes rules version 2 as current; the manifest digest and its signature do not change', async () => {
    const rules: TwinRules = { ...defaultRules(), purposes: ['personal', 'research'], languages: ['en', 'pt-BR'] };
    const published = await publishRules(dir, owner, rules, NOW);
    expect(published.version).toBe(2);
    const twin = await loaded(dir);
    expect(twin.manifestDigest).toBe(manifestDigest);
    expect(signatureIndexEntry(twin)).toBe(signatureEntry);
    expect(currentRules(twin)).toEqual({ version: 2, rules, rulesDigest: published.rulesDigest, issuedAt: NOW.toISOString() });
    expect(twin.descriptor.rules).toEqual(defaultRules());
    expect((await verifyTwin(dir, owner)).ok).toBe(true);
  });

  it('reports a rules version signed by another key and leaves it out of the current rules', async () => {
    const impostor = Wallet.createRandom();
    let during: ReturnType<typeof currentRules> | undefined;
    const check: TamperCheck = async (d) => {
      const { twin } = await loadTwin(d);
      during = currentRules(twin!);
      return verifyCheck(owner)(d);
    };
    const tamperer = await Tamperer.open(dir, { holder: owner, check });
    try {
      const foreign: TwinRules = { ...defaultRules(), purposes: ['commercial-video', 'advertising'] };
      const result = await tamperer.foreignRulesVersion(impostor, foreign, NOW);
      expect(result.detected).toBe(true);
      expect(result.parts).toEqual(['rules version 3']);
      expect(result.messages[0]).toContain('not by the owner');
      expect(result.messages[0]).toContain(impostor.address.slice(0, 8));
      expect(during?.version).toBe(2);
      expect(during?.rules.purposes).toEqual(['personal', 'research']);
    } finally {
      tamperer.close();
    }
    expect(currentRules(await loaded(dir)).version).toBe(2);
  });

  it('refuses rules that fail the schema, naming each error, and writes nothing', async () => {
    const before = indexBytes(dir);
    const bad = {
      ...defaultRules(),
      purposes: ['personal', 'gossip'],
      languages: ['en', 'en'],
      expiresAt: 'tomorrow',
      validators: { addresses: [], threshold: 2 },
      licenceFee: { amountWei: '0.5', currency: 'ETH' },
      colour: 'blue',
    };
    const error = await publishRules(dir, owner, bad, NOW).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RulesInvalidError);
    const paths = (error as RulesInvalidError).errors.map((e) => e.path);
    expect(paths).toEqual(['purposes.1', 'languages.1', 'expiresAt', 'validators.threshold', 'licenceFee.amountWei', 'colour']);
    for (const path of paths) expect((error as RulesInvalidError).message).toContain(`${path}: `);
    expect(indexBytes(dir).equals(before)).toBe(true);
    expect(currentRules(await loaded(dir)).version).toBe(2);
  });

  it('refuses to open for rendering once the current rules have expired, and opens again after a newer version without expiry', async () => {
    await publishRules(dir, owner, { ...defaultRules(), expiresAt: '2026-02-01T00:00:00Z' }, NOW);
    const expired = await refusal(openTwin(dir, friend, fresh('opened'), NOW));
    expect(expired.message).toContain('expired');
    expect(expired.problems).toEqual([{ part: 'rules version 3', message: 'expired on 2026-02-01T00:00:00Z' }]);
    // Verification does not depend on the date; only opening for use does.
    expect((await verifyTwin(dir, friend)).ok).toBe(true);

    await publishRules(dir, owner, { ...defaultRules(), expiresAt: null }, NOW);
    const opened = await openTwin(dir, friend, fresh('opened'), NOW);
    expect(opened.rules.version).toBe(4);
    expect((await loaded(dir)).manifestDigest).toBe(manifestDigest);
  });
});

describe('rotation and erasure', () => {
  const owner = Wallet.createRandom();
  const revoked = Wallet.createRandom();
  const kept = Wallet.createRandom();

  it('rotates to a new content key and manifest: the revoked wallet can no longer open it, the remaining one can', async () => {
    const dir = await seal(owner, { recipients: [revoked.signingKey.publicKey] });
    await grantKey(dir, owner, kept.signingKey.compressedPublicKey, NOW);
    const rules: TwinRules = { ...defaultRules(), purposes: ['education'] };
    await publishRules(dir, owner, rules, NOW);
    const before = await loaded(dir);
    const oldKey = contentKeyFor(before, owner);

    const rotated = await rotateTwin(dir, owner, [revoked.address], NOW);
    expect(rotated.previousManifestDigest).toBe(before.manifestDigest);
    expect(rotated.manifestDigest).not.toBe(before.manifestDigest);
    expect(rotated.recipients).toEqual([kept.address]);
    expect(rotated.revoked).toEqual([revoked.address]);

    const after = await loaded(dir);
    expect(after.manifestDigest).toBe(rotated.manifestDigest);
    expect(after.keys.map((k) => k.payload.envelope.recipient).sort()).toEqual([owner.address, kept.address].sort());
    expect(currentRules(after)).toMatchObject({ version: 1, rules });
    expect(Buffer.from(contentKeyFor(after, owner)).equals(Buffer.from(oldKey))).toBe(false);

    const refused = await refusal(openTwin(dir, revoked, fresh('opened'), NOW));
    expect(refused.message).toContain(revoked.address);
    for (const holder of [kept, owner]) {
      const opened = await openTwin(dir, holder, fresh('opened'), NOW);
      for (const part of opened.parts) expect(readFileSync(part.path).equals(plaintexts.get(part.name)!)).toBe(true);
    }
    expect((await verifyTwin(dir, kept)).ok).toBe(true);
    // Ciphertext is new too: the old key does not even pass a layer's key check.
    const verdict = await new Promise<unknown>((resolve) => {
      const decrypt = createDecryptStream(oldKey);
      decrypt.on('error', resolve).on('data', () => undefined).on('end', () => resolve(undefined));
      createReadStream(join(dir, 'blobs', 'sha256', after.descriptor.parts[0]!.digest.slice(7))).pipe(decrypt);
    });
    expect((verdict as TwinCryptoError).reason).toBe('wrong-key');
  });

  it('erases every key envelope and the opened plaintext: opening is refused afterwards', async () => {
    const dir = await seal(owner, { recipients: [kept.signingKey.publicKey] });
    const out = fresh('opened');
    await openTwin(dir, owner, out, NOW);
    expect(existsSync(out)).toBe(true);
    const erased = await eraseKeys(dir, [out]);
    expect(erased.envelopesRemoved).toBe(2);
    expect(existsSync(out)).toBe(false);
    const error = await refusal(openTwin(dir, owner, fresh('opened'), NOW));
    expect(error.message).toContain('erased');
    expect((await refusal(openTwin(dir, kept, fresh('opened'), NOW))).message).toContain(kept.address);
    // The twin itself stays sound and public: it just cannot be opened here any more.
    const verified = await verifyTwin(dir);
    expect(verified.ok).toBe(true);
    expect(verified.twin!.keys).toEqual([]);
  });
});

describe('tamper detection', () => {
  // Fixed keys, so a seeded run flips the same fields each time (salts, nonces and content keys stay random).
  const owner = new Wallet(`0x${'5a'.repeat(32)}`);
  const friend = new Wallet(`0x${'a5'.repeat(32)}`);
  let dir: string;
  let other: string;

  /** Every blob kind: layers, config, manifest, the owner signature, two key grants, one rule version. */
  beforeAll(async () => {
    const sizes: [PartName, number][] = [
      ['voice-model', 24_000],
      ['face-model', 9_000],
      ['consent-record', 700],
    ];
    const parts = sizes.map(([name, size]) => ({ name, open: () => Readable.from([plaintexts.get(name)!.subarray(0, size)]) }));
    dir = await seal(owner, { parts, recipients: [friend.signingKey.publicKey] });
    await publishRules(dir, owner, { ...defaultRules(), purposes: ['personal'] }, NOW);
    other = await seal(owner, { parts });
  });

  function describeMisses(results: readonly (FlipResult | AdversarialResult)[]): string[] {
    return results.filter((r) => !isDetected(r)).map((r) => `${r.kind} ${r.file} byte ${r.offset} bit ${r.bit}${'field' in r && r.field ? ` (${r.field})` : ''}: ${r.threw ?? r.message ?? 'accepted'}${'gcm' in r && r.gcm ? ` / gcm ${r.gcm.reason ?? 'accepted'}` : ''}`);
  }

  it('detects 10,000 naive single-bit flips across every file of the layout, naming the part', { timeout: 600_000 }, async () => {
    const before = indexBytes(dir);
    // Four copies flipped at once, 2,500 flips each: verification mostly waits on small file reads, so this overlaps them.
    const copies = [dir, ...[1, 2, 3].map((i) => {
      const copy = fresh(`naive-copy-${i}`);
      cpSync(dir, copy, { recursive: true });
      return copy;
    })];
    const tamperers = await Promise.all(copies.map((copy) => Tamperer.open(copy, { check: verifyCheck() })));
    let results: FlipResult[];
    try {
      results = (await Promise.all(tamperers.map((t, i) => t.naive(2_500, seededRng(20260301 + i))))).flat();
    } finally {
      for (const t of tamperers) t.close();
    }
    expect(results).toHaveLength(10_000);
    expect(describeMisses(results).slice(0, 20)).toEqual([]);
    expect(new Set(results.map((r) => r.kind))).toEqual(new Set(['oci-layout', 'index.json', ...BLOB_KINDS]));
    expect(new Set(results.filter((r) => r.kind === 'layer').map((r) => r.parts[0]))).toEqual(new Set(['layer voice-model', 'layer face-model', 'layer consent-record']));
    expect(indexBytes(dir).equals(before)).toBe(true);
    expect((await verifyTwin(dir, owner)).ok).toBe(true);
  });

  it('detects adversarial flips re-hashed and re-linked up to index.json, by signatures and, in layers, by GCM tags', { timeout: 600_000 }, async () => {
    const tamperer = await Tamperer.open(dir, { holder: owner });
    let results: AdversarialResult[];
    try {
      results = await tamperer.adversarial(300, seededRng(7));
    } finally {
      tamperer.close();
    }
    const kinds = new Set(results.map((r) => r.kind));
    expect(kinds).toEqual(new Set(BLOB_KINDS));
    expect.soft(describeMisses(results)).toEqual([]);
    for (const r of results.filter((x) => x.kind === 'layer')) {
      expect(r.relinked).toEqual(expect.arrayContaining(['config', 'manifest', 'signature-payload', 'signature-manifest']));
      expect(r.parts).toContain('owner signature');
      expect(r.gcm?.detected).toBe(true);
    }
    // Most JSON flips stay canonical JSON, so they reach the schema and the signatures rather than the parser
    // (no flip of the two bytes `{}` is still JSON).
    const json = results.filter((r) => r.validJson !== undefined && r.kind !== 'empty-config');
    expect(json.filter((r) => r.validJson).length / json.length).toBeGreaterThan(0.9);
    expect((await verifyTwin(dir, owner)).ok).toBe(true);
  });

  it('detects a truncated layer, reordered chunks, a layer from another twin and a replaced owner signature, naming the part', { timeout: 120_000 }, async () => {
    const tamperer = await Tamperer.open(dir, { holder: owner });
    try {
      const cut = await tamperer.truncateLayer('chunk', 'voice-model');
      const inside = await tamperer.truncateLayer('inside', 'voice-model');
      const reordered = await tamperer.reorderChunks('voice-model', 1, 2);
      const swapped = await tamperer.swapLayerFrom(other, 'face-model');
      for (const result of [cut, inside, reordered, swapped]) {
        expect(result.detected, result.case).toBe(true);
        expect(result.threw, result.case).toBeUndefined();
        expect(result.parts, result.case).toContain('owner signature');
        expect(result.gcm?.detected, result.case).toBe(true);
      }
      expect(cut.gcm).toMatchObject({ part: 'layer voice-model', reason: 'truncated' });
      expect(inside.gcm).toMatchObject({ part: 'layer voice-model', reason: 'tampered' });
      expect(reordered.gcm).toMatchObject({ part: 'layer voice-model', reason: 'tampered' });
      expect(reordered.gcm?.message).toContain('chunk 1');
      expect(swapped.gcm).toMatchObject({ part: 'layer face-model', reason: 'wrong-key' });

      const impostor = Wallet.createRandom();
      const replaced = await tamperer.replaceOwnerSignature(impostor);
      expect(replaced.parts).toEqual(['owner signature']);
      expect(replaced.messages[0]).toContain(`made by ${impostor.address.slice(0, 8)}`);
      const claimed = await tamperer.replaceOwnerSignature(impostor, true);
      expect(claimed.parts).toEqual(['owner signature']);
      expect(claimed.messages[0]).toContain(`names ${impostor.address.slice(0, 8)}`);
    } finally {
      tamperer.close();
    }
    expect((await verifyTwin(dir, owner)).ok).toBe(true);
  });

  // Single fields an adversary might change and re-link, chosen because each once let a twin verify (or made
  // verification throw instead of naming the part): every one must be refused with its part named.
  describe('re-linked edits of single fields', () => {
    let tamperer: Tamperer;

    beforeAll(async () => {
      tamperer = await Tamperer.open(dir, { holder: owner });
    });

    afterAll(() => tamperer.close());

    function expectCaught(result: TargetedResult): void {
      expect(result.threw, result.case).toBeUndefined();
      expect(result.detected, result.case).toBe(true);
      expect(result.part, result.case).toBeDefined();
    }

    it("a referrer's payload media type", async () => {
      for (const kind of ['signature-manifest', 'key-manifest', 'rules-manifest'] as const) {
        expectCaught(await tamperer.editJson(kind, (m) => ({ ...m, layers: [{ ...(m.layers as Json[])[0], mediaType: 'application/octet-stream' }] }), 0, `${kind} payload media type`));
      }
    });

    it("a key grant's grantedAt", async () => {
      expectCaught(await tamperer.editJson('key-payload', (p) => ({ ...p, grantedAt: '1999-01-01T00:00:00.000Z' }), 1, 'grantedAt back-dated'));
    });

    it('an address with a broken checksum, or a signature that does not recover, is reported, not thrown', async () => {
      const breakChecksum = (address: string) => address.replace(/[A-F]/, (c) => c.toLowerCase());
      expectCaught(await tamperer.editJson('key-payload', (p) => ({ ...p, envelope: { ...(p.envelope as Json), recipient: breakChecksum((p.envelope as Json).recipient as string) } }), 1, 'recipient checksum'));
      expectCaught(await tamperer.editJson('signature-payload', (p) => ({ ...p, owner: breakChecksum(p.owner as string) }), 0, 'owner checksum'));
      expectCaught(await tamperer.editJson('rules-payload', (p) => ({ ...p, signer: breakChecksum(p.signer as string) }), 0, 'signer checksum'));
      expectCaught(await tamperer.editJson('signature-payload', (p) => ({ ...p, signature: `${(p.signature as string).slice(0, -2)}1a` }), 0, 'signature v = 26'));
    });

    it('the same signature written another way: upper-case hex, or v in its EIP-155 form', async () => {
      const upper = (signature: string) => `0x${signature.slice(2).toUpperCase()}`;
      // v = 27 or 28 read back as chain-encoded 59 or 60 (35 + 2 × 12 + parity): the same signer is recovered.
      const eip155 = (signature: string) => `${signature.slice(0, -2)}${(parseInt(signature.slice(-2), 16) + 32).toString(16)}`;
      expectCaught(await tamperer.editJson('signature-payload', (p) => ({ ...p, signature: upper(p.signature as string) }), 0, 'signature in upper case'));
      expectCaught(await tamperer.editJson('rules-payload', (p) => ({ ...p, signature: upper(p.signature as string) }), 0, 'rules signature in upper case'));
      expectCaught(await tamperer.editJson('key-payload', (p) => ({ ...p, signature: eip155(p.signature as string) }), 1, 'key grant signature with v + 32'));
    });
  });
});
