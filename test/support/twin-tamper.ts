// Tamper harness for sealed twins (main/core/twin): naive single-bit flips checked in place, adversarial flips whose
// blobs are re-hashed and re-linked up to index.json so only signatures and GCM tags can catch them, and targeted
// attacks (truncation, chunk reordering, a foreign layer, a replaced signature, a foreign rule version); tests and bench.
//
// It seals nothing: it is given a twin folder that verifies, changes it, runs a check (verifyTwin by default) and
// puts the folder back exactly as it was. Naive flips are undone byte for byte; every other case works against a
// pristine copy taken once, restoring index.json and the blob folder after each case.
import { closeSync, copyFileSync, cpSync, createReadStream, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BaseWallet } from 'ethers';
import { createDecryptStream } from '../../main/core/twin/crypto/chunked-gcm.js';
import { TwinCryptoError } from '../../main/core/twin/crypto/errors.js';
import { signManifest, signRulesVersion } from '../../main/core/twin/identity/eip712.js';
import { jsonBytes, PART_ANNOTATION, REF_NAME_ANNOTATION, REFERRER_KINDS, TWIN_REF_NAME } from '../../main/core/twin/format.js';
import type { PartName, ReferrerKind } from '../../main/core/twin/format.js';
import { updateTwinIndex } from '../../main/core/twin/index-file.js';
import { contentKeyFor } from '../../main/core/twin/keys.js';
import { currentRules, loadTwin } from '../../main/core/twin/load.js';
import type { ImageIndex, ImageManifest } from '../../main/core/twin/oci/types.js';
import { writeReferrer } from '../../main/core/twin/referrers.js';
import { rulesDigest } from '../../main/core/twin/rules/canonical.js';
import type { TwinRules } from '../../main/core/twin/rules/schema.js';
import { verifyTwin } from '../../main/core/twin/verify.js';
import { mulberry32 } from '../../main/core/platform/seeded-random.js';

/** Uniform in [0, 1). */
export type Rng = () => number;

/** mulberry32: small, fast and the same on every machine, so a failing flip can be replayed from its seed. */
export function seededRng(seed: number): Rng {
  return mulberry32(seed);
}

/** `empty-config` is the two bytes `{}` every referrer names as its config (OCI's empty descriptor). */
export type BlobKind = 'layer' | 'config' | 'manifest' | `${ReferrerKind}-manifest` | `${ReferrerKind}-payload` | 'empty-config';
export type TwinFileKind = BlobKind | 'index.json' | 'oci-layout';

/** Where re-linking walks: each kind refers only to kinds before it. */
const RELINK_ORDER: readonly BlobKind[] = ['config', 'manifest', 'signature-payload', 'key-payload', 'rules-payload', 'signature-manifest', 'key-manifest', 'rules-manifest'];

export interface TwinFile {
  /** Relative to the twin folder. */
  path: string;
  kind: TwinFileKind;
  digest?: string;
  /** The part a layer holds. */
  part?: PartName;
  /** A JSON blob's parsed content, as sealed. */
  value?: unknown;
}

/** What a check made of a tampered twin. */
export interface Verdict {
  /** The twin was refused: problems were reported, or the check threw. */
  detected: boolean;
  /** The parts the problems name, in the order reported. */
  parts: string[];
  messages: string[];
  /** Set when the check threw instead of reporting (verifyTwin promises never to throw for a bad twin). */
  threw?: string;
}

export type TamperCheck = (dir: string) => Promise<Verdict>;

/** The default check: verifyTwin, with `holder` so every layer's chunks are decrypted and their GCM tags checked. */
export function verifyCheck(holder?: BaseWallet): TamperCheck {
  return async (dir) => {
    try {
      const result = await verifyTwin(dir, holder);
      return { detected: !result.ok, parts: result.problems.map((p) => p.part), messages: result.problems.map((p) => `${p.part}: ${p.message}`) };
    } catch (error) {
      const threw = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return { detected: true, parts: [], messages: [threw], threw };
    }
  };
}

/** Decrypting one layer with the genuine content key, outside every other check. */
export interface GcmVerdict {
  detected: boolean;
  /** `layer <name>` */
  part: string;
  reason?: string;
  message?: string;
}

export interface FlipResult {
  file: string;
  kind: TwinFileKind;
  /** The layer's part, for layers. */
  layerPart?: PartName;
  offset: number;
  bit: number;
  detected: boolean;
  /** The first part the check named. */
  part: string | undefined;
  parts: string[];
  message: string | undefined;
  threw?: string;
}

export interface AdversarialResult extends FlipResult {
  /** For JSON blobs: whether the flipped bytes were still canonical JSON (such flips reach the schema and signature checks). */
  validJson?: boolean;
  /** For such flips, where the value changed, e.g. `layers.0.mediaType` or `envelope.recipient`. */
  field?: string;
  /** The kinds of the documents rewritten to point at the changed blob, in order. */
  relinked: BlobKind[];
  /** For layers, with a content key: the tampered layer decrypted on its own. */
  gcm?: GcmVerdict;
}

export interface TargetedResult {
  case: string;
  detected: boolean;
  part: string | undefined;
  parts: string[];
  messages: string[];
  threw?: string;
  relinked: BlobKind[];
  gcm?: GcmVerdict;
}

export interface TamperOptions {
  /** A key holder: the default check decrypts with it, and layer cases are decrypted with its content key. */
  holder?: BaseWallet;
  /** Replaces verifyTwin(dir, holder). */
  check?: TamperCheck;
  /** The twin's content key, when there is no holder to unwrap it. */
  contentKey?: Uint8Array;
}

function blobPath(dir: string, digest: string): string {
  return join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length));
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

function referrerKind(artifactType: string | undefined): ReferrerKind {
  const kind = (Object.keys(REFERRER_KINDS) as ReferrerKind[]).find((k) => REFERRER_KINDS[k].artifactType === artifactType);
  if (!kind) throw new Error(`twin-tamper: unknown referrer artifact type ${artifactType ?? '(none)'}`);
  return kind;
}

/** Every file of a sound twin's layout, classified from its index; blobs nothing refers to are left out (they are not the twin). */
export function twinFiles(dir: string): TwinFile[] {
  const files: TwinFile[] = [
    { path: 'oci-layout', kind: 'oci-layout' },
    { path: 'index.json', kind: 'index.json' },
  ];
  const seen = new Set<string>();
  const add = (file: TwinFile) => {
    if (seen.has(file.digest!)) return;
    seen.add(file.digest!);
    files.push(file);
  };
  const blob = (digest: string, kind: BlobKind, extra: Partial<TwinFile> = {}): TwinFile => ({
    path: join('blobs', 'sha256', digest.slice('sha256:'.length)),
    kind,
    digest,
    ...extra,
  });
  const index = readJson(join(dir, 'index.json')) as ImageIndex;
  for (const entry of index.manifests) {
    const manifest = readJson(blobPath(dir, entry.digest)) as ImageManifest;
    if (entry.annotations?.[REF_NAME_ANNOTATION] === TWIN_REF_NAME) {
      add(blob(entry.digest, 'manifest', { value: manifest }));
      add(blob(manifest.config.digest, 'config', { value: readJson(blobPath(dir, manifest.config.digest)) }));
      for (const layer of manifest.layers) add(blob(layer.digest, 'layer', { part: layer.annotations?.[PART_ANNOTATION] as PartName }));
    } else {
      const kind = referrerKind(entry.artifactType);
      add(blob(entry.digest, `${kind}-manifest`, { value: manifest }));
      const payload = manifest.layers[0]!;
      add(blob(payload.digest, `${kind}-payload`, { value: readJson(blobPath(dir, payload.digest)) }));
      add(blob(manifest.config.digest, 'empty-config', { value: readJson(blobPath(dir, manifest.config.digest)) }));
    }
  }
  return files;
}

function pick<T>(items: readonly T[], rng: Rng): T {
  if (items.length === 0) throw new Error('twin-tamper: nothing to pick from');
  return items[Math.min(items.length - 1, Math.floor(rng() * items.length))]!;
}

/** Bytes that JSON.parse reads and that are exactly the canonical form of what it reads. */
function isCanonicalJson(bytes: Uint8Array): boolean {
  try {
    return Buffer.from(jsonBytes(JSON.parse(Buffer.from(bytes).toString('utf8')))).equals(Buffer.from(bytes));
  } catch {
    return false;
  }
}

/** The dotted path of the first value that differs between two JSON values ('' for the root). */
function changedField(a: unknown, b: unknown, path = ''): string | undefined {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null || Array.isArray(a) !== Array.isArray(b)) return Object.is(a, b) ? undefined : path;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const keys = [...new Set([...ka, ...kb])];
  for (const key of keys) {
    const here = path === '' ? key : `${path}.${key}`;
    if (!ka.includes(key) || !kb.includes(key)) return here;
    const inner = changedField((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], here);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

function flipByte(path: string, offset: number, bit: number): void {
  const fd = openSync(path, 'r+');
  try {
    const byte = Buffer.alloc(1);
    if (readSync(fd, byte, 0, 1, offset) !== 1) throw new Error(`twin-tamper: ${path} has no byte ${offset}`);
    byte[0]! ^= 1 << bit;
    writeSync(fd, byte, 0, 1, offset);
  } finally {
    closeSync(fd);
  }
}

/** Replaces digests wherever they occur: a descriptor-like object gets the new digest and size, a bare string the new digest. */
function rewriteRefs(value: unknown, replaced: ReadonlyMap<string, { digest: string; size: number }>): unknown {
  if (typeof value === 'string') return replaced.get(value)?.digest ?? value;
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, replaced));
  if (typeof value !== 'object' || value === null) return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(source)) out[key] = rewriteRefs(item, replaced);
  const hit = typeof source.digest === 'string' ? replaced.get(source.digest) : undefined;
  if (hit && typeof source.size === 'number') out.size = hit.size;
  return out;
}

async function gcmVerdict(path: string, contentKey: Uint8Array, part: string): Promise<GcmVerdict> {
  const discard = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  try {
    await pipeline(createReadStream(path), createDecryptStream(contentKey), discard);
    return { detected: false, part };
  } catch (error) {
    if (error instanceof TwinCryptoError) return { detected: true, part, reason: error.reason, message: error.message };
    throw error;
  }
}

/** The layout of one encrypted layer: header bytes, then records of chunkSize + 16 bytes, the last one shorter or equal. */
function layerRecords(bytes: Uint8Array): { header: number; record: number; count: number } {
  const header = 61;
  const record = Buffer.from(bytes).readUInt32BE(9) + 16;
  return { header, record, count: Math.ceil((bytes.length - header) / record) };
}

/** Holds a sound twin, a pristine copy of it, its content key and a check; every case leaves the twin as it found it. */
export class Tamperer {
  readonly files: TwinFile[];
  private readonly check: TamperCheck;
  private readonly pristineBlobs: Set<string>;

  private constructor(
    readonly dir: string,
    private readonly pristine: string,
    private readonly contentKey: Uint8Array | undefined,
    check: TamperCheck,
  ) {
    this.files = twinFiles(dir);
    this.check = check;
    this.pristineBlobs = new Set(readdirSync(join(pristine, 'blobs', 'sha256')));
  }

  /** Refuses a twin that does not verify to begin with: a flip "detected" there would prove nothing. */
  static async open(dir: string, options: TamperOptions = {}): Promise<Tamperer> {
    const check = options.check ?? verifyCheck(options.holder);
    const before = await check(dir);
    if (before.detected) throw new Error(`twin-tamper: the twin at ${dir} does not verify before tampering: ${before.messages.join('; ')}`);
    let contentKey = options.contentKey;
    if (!contentKey && options.holder) {
      const { twin } = await loadTwin(dir);
      contentKey = contentKeyFor(twin!, options.holder);
    }
    const pristine = mkdtempSync(join(tmpdir(), 'likeness-twin-pristine-'));
    cpSync(dir, pristine, { recursive: true });
    return new Tamperer(dir, pristine, contentKey, check);
  }

  close(): void {
    rmSync(this.pristine, { recursive: true, force: true });
  }

  kinds(): TwinFileKind[] {
    return [...new Set(this.files.map((f) => f.kind))];
  }

  /** One random bit of one file (chosen uniformly by file) flipped in place, checked, and flipped back. */
  async naive(count: number, rng: Rng): Promise<FlipResult[]> {
    const results: FlipResult[] = [];
    const sizes = new Map(this.files.map((f) => [f.path, statSync(join(this.dir, f.path)).size]));
    for (let i = 0; i < count; i++) {
      const file = pick(this.files, rng);
      const offset = Math.floor(rng() * sizes.get(file.path)!);
      const bit = Math.floor(rng() * 8);
      const path = join(this.dir, file.path);
      flipByte(path, offset, bit);
      let verdict: Verdict;
      try {
        verdict = await this.check(this.dir);
      } finally {
        flipByte(path, offset, bit);
      }
      results.push(flipResult(file, offset, bit, verdict));
    }
    return results;
  }

  /**
   * A blob kind chosen uniformly, then one of its blobs, then one bit: JSON blobs prefer a flip that stays canonical
   * JSON (up to 256 tries), so the change reaches the schema and signature checks rather than the parser. The blob
   * is re-hashed and every reference to it rewritten up to index.json, so every digest in the twin matches.
   */
  async adversarial(count: number, rng: Rng): Promise<AdversarialResult[]> {
    const blobs = this.files.filter((f) => f.digest !== undefined);
    const kinds = [...new Set(blobs.map((f) => f.kind))];
    const results: AdversarialResult[] = [];
    for (let i = 0; i < count; i++) {
      const kind = pick(kinds, rng);
      const file = pick(
        blobs.filter((f) => f.kind === kind),
        rng,
      );
      const original = readFileSync(join(this.dir, file.path));
      let offset = 0;
      let bit = 0;
      let flipped = Buffer.from(original);
      let validJson: boolean | undefined;
      for (let attempt = 0; attempt < (file.value === undefined ? 1 : 256); attempt++) {
        offset = Math.floor(rng() * original.length);
        bit = Math.floor(rng() * 8);
        flipped = Buffer.from(original);
        flipped[offset]! ^= 1 << bit;
        if (file.value === undefined) break;
        validJson = isCanonicalJson(flipped);
        if (validJson) break;
      }
      const field = validJson ? changedField(file.value, JSON.parse(flipped.toString('utf8'))) : undefined;
      const outcome = await this.relinked(file, flipped);
      results.push({
        ...flipResult(file, offset, bit, outcome.verdict),
        ...(validJson === undefined ? {} : { validJson }),
        ...(field === undefined ? {} : { field }),
        relinked: outcome.relinked,
        ...(outcome.gcm ? { gcm: outcome.gcm } : {}),
      });
    }
    return results;
  }

  /**
   * A deliberate edit of one JSON blob (the `which`-th of `kind`, in index order), stored in canonical form and
   * re-linked like an adversarial flip: for probing exactly which fields the signatures and checks cover.
   */
  async editJson(kind: Exclude<BlobKind, 'layer'>, edit: (value: Record<string, unknown>) => unknown, which = 0, label = `${kind} edited`): Promise<TargetedResult> {
    const file = this.files.filter((f) => f.kind === kind)[which];
    if (!file) throw new Error(`twin-tamper: the twin has no ${kind} number ${which}`);
    return this.targeted(label, file, jsonBytes(edit(structuredClone(file.value) as Record<string, unknown>)));
  }

  /** A layer cut short and re-linked: `at` 'chunk' drops its last chunk whole, 'inside' cuts into it. */
  async truncateLayer(at: 'chunk' | 'inside', part?: PartName): Promise<TargetedResult> {
    const file = this.layer(part, 2);
    const bytes = readFileSync(join(this.dir, file.path));
    const { header, record, count } = layerRecords(bytes);
    const length = at === 'chunk' ? header + (count - 1) * record : bytes.length - Math.max(1, Math.floor((bytes.length - header - (count - 1) * record) / 2));
    return this.targeted(`truncated layer ${file.part} (${at === 'chunk' ? 'last chunk dropped' : 'cut inside its last chunk'})`, file, bytes.subarray(0, length));
  }

  /** Chunks i and j of a layer swapped (both full, neither the last) and re-linked. */
  async reorderChunks(part?: PartName, i = 0, j = 1): Promise<TargetedResult> {
    const file = this.layer(part, Math.max(i, j) + 2);
    const bytes = readFileSync(join(this.dir, file.path));
    const { header, record } = layerRecords(bytes);
    const swapped = Buffer.from(bytes);
    bytes.copy(swapped, header + i * record, header + j * record, header + (j + 1) * record);
    bytes.copy(swapped, header + j * record, header + i * record, header + (i + 1) * record);
    return this.targeted(`chunks ${i} and ${j} of layer ${file.part} swapped`, file, swapped);
  }

  /** This twin's layer for `part` replaced by the other twin's layer for the same part, and re-linked. */
  async swapLayerFrom(otherDir: string, part?: PartName): Promise<TargetedResult> {
    const file = this.layer(part, 1);
    const other = twinFiles(otherDir).find((f) => f.kind === 'layer' && f.part === file.part);
    if (!other) throw new Error(`twin-tamper: the twin at ${otherDir} has no layer ${file.part}`);
    return this.targeted(`layer ${file.part} taken from another twin`, file, readFileSync(join(otherDir, other.path)));
  }

  /**
   * The owner signature replaced by a valid signature of `impostor` over the same manifest digest; with
   * `claimImpostor` the payload also names the impostor as owner. Written as a real referrer, the old one removed.
   */
  async replaceOwnerSignature(impostor: BaseWallet, claimImpostor = false): Promise<TargetedResult> {
    const { twin } = await loadTwin(this.dir);
    const old = twin!.signatures[0]!;
    const owner = claimImpostor ? impostor.address : twin!.descriptor.owner;
    const signature = await signManifest(impostor, twin!.manifestDigest, owner);
    await writeReferrer(this.dir, 'signature', { schema: 'likeness.twin-signature/v1', manifestDigest: twin!.manifestDigest, owner, signature }, twin!.manifestEntry);
    updateTwinIndex(this.dir, [], new Set([old.entry.digest]));
    rmSync(blobPath(this.dir, old.entry.digest));
    rmSync(blobPath(this.dir, old.payloadDescriptor.digest));
    return this.checkAndRestore(`owner signature replaced by one from ${impostor.address}${claimImpostor ? ' naming itself as owner' : ''}`, []);
  }

  /** A rule version (the next number) signed by `impostor`, naming itself as signer, added beside the owner's. */
  async foreignRulesVersion(impostor: BaseWallet, rules: TwinRules, now = new Date()): Promise<TargetedResult> {
    const { twin } = await loadTwin(this.dir);
    const version = currentRules(twin!).version + 1;
    const digest = rulesDigest(rules);
    const issuedAt = Math.floor(now.getTime() / 1000);
    const manifestDigest = twin!.manifestDigest;
    const signature = await signRulesVersion(impostor, { manifestDigest, rulesDigest: digest, version, issuedAt });
    await writeReferrer(
      this.dir,
      'rules',
      { schema: 'likeness.twin-rules/v1', manifestDigest, version, issuedAt, rules, rulesDigest: digest, signer: impostor.address, signature },
      twin!.manifestEntry,
    );
    return this.checkAndRestore(`rules version ${version} signed by ${impostor.address}`, []);
  }

  private layer(part: PartName | undefined, minChunks: number): TwinFile {
    const layers = this.files.filter((f) => f.kind === 'layer' && (part === undefined || f.part === part));
    const fit = layers.find((f) => layerRecords(readFileSync(join(this.dir, f.path))).count >= minChunks + 1);
    if (!fit) throw new Error(`twin-tamper: no layer${part ? ` ${part}` : ''} has ${minChunks + 1} chunks`);
    return fit;
  }

  private async targeted(name: string, file: TwinFile, bytes: Uint8Array): Promise<TargetedResult> {
    const outcome = await this.relinked(file, bytes);
    return { case: name, ...verdictFields(outcome.verdict), relinked: outcome.relinked, ...(outcome.gcm ? { gcm: outcome.gcm } : {}) };
  }

  /** Stores `bytes` in place of `file` under their own digest, re-links everything above it, checks, restores. */
  private async relinked(file: TwinFile, bytes: Uint8Array): Promise<{ verdict: Verdict; relinked: BlobKind[]; gcm?: GcmVerdict }> {
    const relinked: BlobKind[] = [];
    const replaced = new Map<string, { digest: string; size: number }>();
    const store = (oldDigest: string, next: Uint8Array) => {
      const digest = sha256(next);
      writeFileSync(blobPath(this.dir, digest), next);
      if (digest !== oldDigest) rmSync(blobPath(this.dir, oldDigest), { force: true });
      replaced.set(oldDigest, { digest, size: next.length });
      return digest;
    };
    try {
      const newDigest = store(file.digest!, bytes);
      for (const kind of RELINK_ORDER) {
        for (const doc of this.files.filter((f) => f.kind === kind && f.digest !== file.digest)) {
          const next = jsonBytes(rewriteRefs(doc.value, replaced));
          if (Buffer.from(next).equals(readFileSync(join(this.pristine, doc.path)))) continue;
          store(doc.digest!, next);
          relinked.push(kind);
        }
      }
      writeFileSync(join(this.dir, 'index.json'), jsonBytes(rewriteRefs(readJson(join(this.pristine, 'index.json')), replaced)));
      const gcm = file.kind === 'layer' && this.contentKey ? await gcmVerdict(blobPath(this.dir, newDigest), this.contentKey, `layer ${file.part}`) : undefined;
      const verdict = await this.check(this.dir);
      return { verdict, relinked, ...(gcm ? { gcm } : {}) };
    } finally {
      this.restore();
    }
  }

  private async checkAndRestore(name: string, relinked: BlobKind[]): Promise<TargetedResult> {
    try {
      return { case: name, ...verdictFields(await this.check(this.dir)), relinked };
    } finally {
      this.restore();
    }
  }

  /** index.json back, blobs added since removed, blobs removed copied back (blobs are never changed in place here). */
  private restore(): void {
    copyFileSync(join(this.pristine, 'index.json'), join(this.dir, 'index.json'));
    const blobs = join(this.dir, 'blobs', 'sha256');
    const present = new Set(readdirSync(blobs));
    for (const name of present) if (!this.pristineBlobs.has(name)) rmSync(join(blobs, name), { force: true });
    for (const name of this.pristineBlobs) if (!present.has(name)) copyFileSync(join(this.pristine, 'blobs', 'sha256', name), join(blobs, name));
  }
}

function verdictFields(verdict: Verdict): Pick<TargetedResult, 'detected' | 'part' | 'parts' | 'messages' | 'threw'> {
  return { detected: verdict.detected, part: verdict.parts[0], parts: verdict.parts, messages: verdict.messages, ...(verdict.threw ? { threw: verdict.threw } : {}) };
}

function flipResult(file: TwinFile, offset: number, bit: number, verdict: Verdict): FlipResult {
  return {
    file: file.path,
    kind: file.kind,
    ...(file.part ? { layerPart: file.part } : {}),
    offset,
    bit,
    detected: verdict.detected,
    part: verdict.parts[0],
    parts: verdict.parts,
    message: verdict.messages[0],
    ...(verdict.threw ? { threw: verdict.threw } : {}),
  };
}

/** `count` naive single-bit flips (see Tamperer.naive); the twin is unchanged afterwards. */
export async function naiveFlips(dir: string, count: number, rng: Rng, options: TamperOptions = {}): Promise<FlipResult[]> {
  const tamperer = await Tamperer.open(dir, options);
  try {
    return await tamperer.naive(count, rng);
  } finally {
    tamperer.close();
  }
}

/** `count` adversarial flips, re-hashed and re-linked (see Tamperer.adversarial); the twin is unchanged afterwards. */
export async function adversarialFlips(dir: string, count: number, rng: Rng, options: TamperOptions = {}): Promise<AdversarialResult[]> {
  const tamperer = await Tamperer.open(dir, options);
  try {
    return await tamperer.adversarial(count, rng);
  } finally {
    tamperer.close();
  }
}

/**
 * Caught as the issue asks: refused with a part named (a check that threw instead of reporting does not count),
 * and for a layer with a content key, also refused by its GCM tags on its own.
 */
export function isDetected(result: { detected: boolean; part: string | undefined; threw?: string; gcm?: GcmVerdict }): boolean {
  return result.detected && result.part !== undefined && result.threw === undefined && (result.gcm === undefined || result.gcm.detected);
}

/** Share of results caught (see isDetected); 1 for none. */
export function detectionRate(results: readonly Parameters<typeof isDetected>[0][]): number {
  return results.length === 0 ? 1 : results.filter(isDetected).length / results.length;
}

