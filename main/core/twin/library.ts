// The studio's twins: sealed from its own model versions and consent, kept as OCI layouts under <home>/twins, and
// every container operation on them by id; main process and CLI.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { BaseWallet } from 'ethers';
import { LikenessError } from '../../contract/errors.js';
import type { ConsentRecord } from '../../contract/models.js';
import type { TakesRepository } from '../capture/takes-repository.js';
import type { FaceModelsRepository } from '../face/models-repository.js';
import type { BlobStore } from '../store/blobs.js';
import type { Db } from '../store/database.js';
import type { VoiceModelsRepository } from '../voice/models-repository.js';
import { jsonBytes, sha256Digest } from './format.js';
import { normaliseTwinIndex } from './index-file.js';
import type { ModelCard, PartName } from './format.js';
import { eraseKeys, grantKey } from './keys.js';
import { currentRules, loadTwin, TwinError } from './load.js';
import type { LoadedTwin, TwinProblem } from './load.js';
import { OciLayout } from './oci/layout.js';
import { pullLayout, pushLayout, RegistryClient, RegistryError } from './oci/registry.js';
import { exportLayoutTar, importLayoutTar, TarImportError } from './oci/tar.js';
import { openTwin } from './open.js';
import type { OpenedTwin } from './open.js';
import { rotateTwin } from './rotate.js';
import type { RotateResult } from './rotate.js';
import { publishRules, RulesInvalidError } from './rule-versions.js';
import { parseRules } from './rules/schema.js';
import { summariseRules } from './rules/summary.js';
import type { TwinRules } from './rules/schema.js';
import { replaceDir, sealTwin, stagingDir } from './seal.js';
import type { PartSource } from './seal.js';
import { verifyTwin } from './verify.js';

const TWIN_ID = /^twin_[0-9a-f]{12}$/;
/**
 * What an imported twin may hold. A twin's parts are models of a few MB, an idle loop and a consent take; 4 GiB per
 * part and 16 GiB in all leave room for long footage while a forged archive cannot make the studio fill a disk.
 */
export const IMPORT_LIMITS = { maxEntryBytes: 4 * 1024 ** 3, maxTotalBytes: 16 * 1024 ** 3 } as const;

export interface TwinSummary {
  id: string;
  name: string;
  manifestDigest: string;
  owner: string;
  createdAt: string;
  rulesVersion: number;
  rulesDigest: string;
  rules: TwinRules;
  rulesSummary: string[];
  parts: { name: PartName; size: number }[];
  models: ModelCard[];
  consent: LoadedTwin['descriptor']['consent'];
  recipients: { address: string; grantedAt: string }[];
  /** Problems found reading its structure and signatures (layers are hashed only by verify). */
  problems: TwinProblem[];
}

export interface PackRequest {
  name: string;
  rules: unknown;
  /** Model versions by id; at least one of the two. */
  voiceModel?: string;
  faceModel?: string;
  /** Seal the newest accepted consent take and its record (default true; a twin without consent says so in its descriptor). */
  consent?: boolean;
  chunkSize?: number;
}

export interface TwinLibraryDeps {
  home: string;
  db: Db;
  blobs: BlobStore;
  takes: TakesRepository;
  voiceModels: VoiceModelsRepository;
  faceModels: FaceModelsRepository;
  /** The unlocked identity's wallet; throws (with a clear message) while locked. */
  signer: () => BaseWallet;
}

export class TwinLibrary {
  readonly root: string;

  constructor(private readonly deps: TwinLibraryDeps) {
    this.root = join(deps.home, 'twins');
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
  }

  layoutDir(id: string): string {
    if (!TWIN_ID.test(id)) throw new LikenessError('invalid-input', `"${id}" is not a twin id (twin_ and 12 hex digits).`);
    const dir = join(this.root, id, 'layout');
    if (!existsSync(dir)) throw new LikenessError('not-found', `No twin ${id} in this studio.`);
    return dir;
  }

  openedDir(id: string): string {
    return join(this.root, id, 'opened');
  }

  /** A new id and its (empty) folder; the layout inside is created by whoever fills it. */
  newId(): string {
    const id = `twin_${randomBytes(6).toString('hex')}`;
    mkdirSync(join(this.root, id), { recursive: true, mode: 0o700 });
    return id;
  }

  /** Removes a twin folder whose layout never arrived (a failed pack, import or pull). */
  discard(id: string): void {
    if (TWIN_ID.test(id)) rmSync(join(this.root, id), { recursive: true, force: true });
  }

  async list(): Promise<TwinSummary[]> {
    const out: TwinSummary[] = [];
    for (const id of readdirSync(this.root).filter((name) => TWIN_ID.test(name)).sort()) {
      if (!existsSync(join(this.root, id, 'layout'))) continue;
      const summary = await this.inspect(id).catch(() => undefined);
      if (summary) out.push(summary);
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async inspect(id: string, now = new Date()): Promise<TwinSummary> {
    const { twin, problems } = await loadTwin(this.layoutDir(id));
    if (!twin) throw new TwinError(problems);
    const rules = currentRules(twin);
    return {
      id,
      name: twin.descriptor.name,
      manifestDigest: twin.manifestDigest,
      owner: twin.descriptor.owner,
      createdAt: twin.descriptor.createdAt,
      rulesVersion: rules.version,
      rulesDigest: rules.rulesDigest,
      rules: rules.rules,
      rulesSummary: summariseRules(rules.rules, now),
      parts: twin.descriptor.parts.map((p) => ({ name: p.name, size: p.size })),
      models: twin.descriptor.models,
      consent: twin.descriptor.consent,
      recipients: twin.keys.map((k) => ({ address: k.payload.envelope.recipient, grantedAt: k.payload.grantedAt })),
      problems,
    };
  }

  /** The newest accepted consent record and its take's video, if there is one. */
  private latestConsent(): { record: ConsentRecord; video: string | null } | undefined {
    const row = this.deps.db.prepare('SELECT record, take_id FROM consents WHERE accepted = 1 ORDER BY created_at DESC LIMIT 1').get() as
      | { record: string; take_id: string }
      | undefined;
    if (!row) return undefined;
    const record = JSON.parse(row.record) as ConsentRecord;
    const take = this.deps.takes.find(row.take_id);
    return { record, video: take?.video ?? null };
  }

  private blobPart(name: PartName, digest: string): PartSource {
    if (!this.deps.blobs.has(digest)) throw new LikenessError('not-found', `The ${name} (${digest}) is no longer in this studio; it cannot be sealed.`);
    return { name, open: () => this.deps.blobs.openRead(digest) };
  }

  private static jsonPart(name: PartName, value: unknown): PartSource {
    const bytes = jsonBytes(value);
    return { name, open: () => Readable.from([Buffer.from(bytes)]) };
  }

  async pack(request: PackRequest, onProgress?: (bytes: number) => void): Promise<TwinSummary> {
    const rules = parseRules(request.rules);
    if (!rules.ok) throw new RulesInvalidError(rules.errors);
    if (!request.voiceModel && !request.faceModel) throw new LikenessError('invalid-input', 'Choose a voice model, a face model or both to seal into the twin.');
    const owner = this.deps.signer();
    const parts: PartSource[] = [];
    const models: ModelCard[] = [];
    if (request.voiceModel) {
      const voice = this.deps.voiceModels.require(request.voiceModel);
      parts.push(this.blobPart('voice-model', voice.model), TwinLibrary.jsonPart('voice-report', voice.report));
      models.push({
        kind: 'voice',
        version: voice.version,
        createdAt: voice.createdAt,
        figures: { mcdConvertedDb: voice.report.mcdConvertedDb, mcdReduction: voice.report.mcdReduction, f0RmseCents: voice.report.f0RmseCents, heldOutTakes: voice.report.heldOutTakes },
      });
    }
    if (request.faceModel) {
      const face = this.deps.faceModels.require(request.faceModel);
      parts.push(this.blobPart('face-model', face.model), this.blobPart('face-idle', face.idle), TwinLibrary.jsonPart('face-report', face.report));
      models.push({
        kind: 'face',
        version: face.version,
        createdAt: face.createdAt,
        figures: { ssim: face.report.model.ssim, lmd: face.report.model.lmd, heldOutTakes: face.report.heldOutTakes },
      });
    }
    const consent = request.consent === false ? undefined : this.latestConsent();
    if (consent) {
      parts.push(TwinLibrary.jsonPart('consent-record', consent.record));
      if (consent.video) parts.push(this.blobPart('consent-take', consent.video));
    }
    const id = this.newId();
    try {
      await sealTwin(join(this.root, id, 'layout'), {
        name: request.name,
        rules: rules.rules,
        consent: consent
          ? { digest: sha256Digest(jsonBytes(consent.record)), language: consent.record.language, accepted: consent.record.speech.accepted, createdAt: consent.record.createdAt }
          : null,
        models,
        parts,
        owner,
        ...(request.chunkSize ? { chunkSize: request.chunkSize } : {}),
        ...(onProgress ? { onProgress } : {}),
      });
    } catch (error) {
      this.discard(id);
      throw error;
    }
    return this.inspect(id);
  }

  verify(id: string, withKey: boolean) {
    return verifyTwin(this.layoutDir(id), withKey ? this.deps.signer() : undefined);
  }

  open(id: string, now = new Date()): Promise<OpenedTwin> {
    return openTwin(this.layoutDir(id), this.deps.signer(), this.openedDir(id), now);
  }

  grant(id: string, recipientPublicKey: string) {
    return grantKey(this.layoutDir(id), this.deps.signer(), recipientPublicKey);
  }

  publishRules(id: string, rules: unknown) {
    return publishRules(this.layoutDir(id), this.deps.signer(), rules);
  }

  rotate(id: string, revoke: readonly string[]): Promise<RotateResult> {
    return rotateTwin(this.layoutDir(id), this.deps.signer(), revoke);
  }

  erase(id: string) {
    return eraseKeys(this.layoutDir(id), [this.openedDir(id)]);
  }

  /** One file (a tar of the layout) to hand to someone or keep as a backup. */
  exportFile(id: string, outFile: string) {
    return exportLayoutTar(this.layoutDir(id), outFile);
  }

  /** Takes a twin exported as one file; refused, and nothing kept, unless every check passes. */
  async importFile(file: string): Promise<TwinSummary> {
    return this.receive(async (staging) => {
      try {
        await importLayoutTar(file, staging, IMPORT_LIMITS);
      } catch (error) {
        if (error instanceof TarImportError) throw new LikenessError('invalid-input', `${file} is not a twin this studio can take: ${error.message}`);
        throw error;
      }
    });
  }

  async push(id: string, target: RegistryTarget): Promise<{ manifestDigest: string; reference: string }> {
    const dir = this.layoutDir(id);
    const { twin, problems } = await loadTwin(dir);
    if (!twin || problems.length > 0) throw new TwinError(problems);
    await registryCall(target.registry, async () => pushLayout(registryClient(target), await OciLayout.open(dir), target.repository, twin.manifestDigest, target.tag));
    return { manifestDigest: twin.manifestDigest, reference: `${target.repository}:${target.tag ?? twin.manifestDigest}` };
  }

  async pull(target: RegistryTarget & { reference: string }): Promise<TwinSummary> {
    return this.receive(async (staging) => {
      const layout = await OciLayout.create(staging);
      const digest = await registryCall(target.registry, () => pullLayout(registryClient(target), target.repository, target.reference, layout));
      normaliseTwinIndex(staging, digest);
    });
  }

  /** Fills a staging folder, checks the twin in it, and only then gives it an id here. */
  private async receive(fill: (staging: string) => Promise<void>): Promise<TwinSummary> {
    const id = this.newId();
    const layoutDir = join(this.root, id, 'layout');
    const staging = stagingDir(layoutDir, 'receiving');
    try {
      await fill(staging);
      const { twin, problems } = await loadTwin(staging);
      if (!twin || problems.length > 0) throw new TwinError(problems, `The twin received failed its checks, so it was not kept: ${problems.map((p) => `${p.part}: ${p.message}`).join('; ')}`);
      await replaceDir(staging, layoutDir);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      this.discard(id);
      throw error;
    }
    return this.inspect(id);
  }

  /** Deletes the twin from this studio entirely (its layout and anything opened). */
  remove(id: string): void {
    this.layoutDir(id);
    rmSync(join(this.root, id), { recursive: true, force: true });
  }
}

export interface RegistryTarget {
  /** Base URL, e.g. http://127.0.0.1:5000 or https://ghcr.io */
  registry: string;
  repository: string;
  tag?: string;
  token?: string;
}

function registryClient(target: RegistryTarget): RegistryClient {
  return new RegistryClient(target.registry, target.token ? { token: target.token } : {});
}

/** Registry failures as studio errors: unreachable is 'unavailable' (try again later), the rest name what the registry said. */
async function registryCall<T>(registry: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    const code = error.reason === 'unreachable' ? 'unavailable' : error.reason === 'auth' ? 'unauthorized' : error.reason === 'not-found' ? 'not-found' : 'conflict';
    throw new LikenessError(code, `${error.message}${error.message.includes(registry) ? '' : ` (${registry})`}`);
  }
}
