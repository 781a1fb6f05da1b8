// Client for the OCI distribution API 1.1 (blobs, manifests, referrers with the tag-schema fallback) and layout push/pull; main process.
import { createHash } from 'node:crypto';
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { JsonLimitError, parseJsonLimited } from './json-limits.js';
import { MANIFEST_LIMITS, OciLayoutError, type OciLayout, type StagedBlob } from './layout.js';
import {
  EMPTY_DESCRIPTOR,
  INDEX_MEDIA_TYPE,
  MANIFEST_MEDIA_TYPE,
  OciFormatError,
  artifactTypeOf,
  isDigest,
  parseIndex,
  parseManifest,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
} from './types.js';

export type RegistryFailure = 'unreachable' | 'auth' | 'not-found' | 'server' | 'protocol' | 'digest-mismatch';

export class RegistryError extends Error {
  constructor(
    readonly reason: RegistryFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

export interface RegistryClientOptions {
  token?: string;
  username?: string;
  password?: string;
  chunkBytes?: number;
  fetch?: typeof fetch;
}

const MANIFEST_ACCEPT = `${MANIFEST_MEDIA_TYPE}, ${INDEX_MEDIA_TYPE}`;
const ERROR_BODY_BYTES = 64 * 1024;
const TOKEN_LIMITS = { maxBytes: 64 * 1024, maxDepth: 8 };
// Repository names and tags as the distribution spec defines them; anything else could escape the URL path.
const REPOSITORY = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const REF_NAME = 'org.opencontainers.image.ref.name';

/** The tag under which registries without the referrers API keep the index of a manifest's referrers: `<alg>-<hex>`. */
export function referrersTag(subjectDigest: string): string {
  checkDigest(subjectDigest);
  return subjectDigest.replace(':', '-');
}

function checkDigest(digest: string): void {
  if (!isDigest(digest)) throw new OciFormatError('digest', `${JSON.stringify(digest.slice(0, 80))} is not a sha256 digest`);
}

function checkRepository(repo: string): void {
  if (repo.length > 255 || !REPOSITORY.test(repo)) throw new OciFormatError('repository', `${JSON.stringify(repo.slice(0, 80))} is not a valid repository name`);
}

function checkReference(reference: string): void {
  if (!isDigest(reference) && !TAG.test(reference)) throw new OciFormatError('reference', `${JSON.stringify(reference.slice(0, 80))} is neither a tag nor a sha256 digest`);
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

/** Reads a body whole, refusing one over `max` bytes without buffering it. */
async function readBody(response: Response, max: number): Promise<Buffer | undefined> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > max) {
    await discard(response);
    return undefined;
  }
  if (!response.body) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of Readable.fromWeb(response.body as WebReadableStream<Uint8Array>)) {
    size += (chunk as Buffer).length;
    if (size > max) {
      await discard(response);
      return undefined;
    }
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts, size);
}

/** `{errors:[{code,message}]}` as one line, so a refusal says what the registry objected to. */
function registryErrors(text: string): string {
  try {
    const body = parseJsonLimited(text, { maxBytes: ERROR_BODY_BYTES, maxDepth: 16 }) as { errors?: unknown };
    if (Array.isArray(body?.errors)) {
      const lines = body.errors
        .map((e: unknown) => {
          const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
          return [code, message].filter((part) => typeof part === 'string' && part !== '').join(': ');
        })
        .filter((line) => line !== '');
      if (lines.length > 0) return lines.join('; ');
    }
  } catch {
    // Not the registry's JSON error format: fall through to the raw text.
  }
  return text.trim().replace(/\s+/g, ' ').slice(0, 300);
}

function challengeParams(header: string): { scheme: string; params: Record<string, string> } {
  const space = header.indexOf(' ');
  const scheme = (space === -1 ? header : header.slice(0, space)).toLowerCase();
  const params: Record<string, string> = {};
  for (const match of header.slice(space + 1).matchAll(/([A-Za-z_]+)=(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)) {
    params[match[1]!.toLowerCase()] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3]!;
  }
  return { scheme, params };
}

function unreachableReason(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'timed out';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'no route to host';
    default:
      return typeof cause?.message === 'string' ? cause.message : error instanceof Error ? error.message : String(error);
  }
}

/** Cuts a stream into pieces of exactly `size` bytes (the last may be shorter), one piece in memory at a time. */
async function* chunksOf(source: Readable, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let filled = 0;
  for await (const piece of source) {
    let data = Buffer.isBuffer(piece) ? piece : Buffer.from(piece as Uint8Array);
    while (data.length > 0) {
      const take = Math.min(size - filled, data.length);
      parts.push(data.subarray(0, take));
      filled += take;
      data = data.subarray(take);
      if (filled === size) {
        yield Buffer.concat(parts, filled);
        parts = [];
        filled = 0;
      }
    }
  }
  if (filled > 0) yield Buffer.concat(parts, filled);
}

interface RequestOptions {
  what: string;
  ok: number[];
  headers?: Record<string, string>;
  body?: Uint8Array;
}

export class RegistryClient {
  private readonly base: string;
  private readonly origin: string;
  private readonly chunkBytes: number;
  private readonly fetchImpl: typeof fetch;
  private bearer: string | undefined;

  constructor(
    baseUrl: string,
    private readonly options: RegistryClientOptions = {},
  ) {
    const url = new URL(baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OciFormatError('baseUrl', 'must be an http or https URL');
    this.base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
    this.origin = url.origin;
    this.chunkBytes = options.chunkBytes ?? 8 << 20;
    if (!Number.isSafeInteger(this.chunkBytes) || this.chunkBytes < 1) throw new OciFormatError('chunkBytes', 'must be a positive integer');
    this.fetchImpl = options.fetch ?? fetch;
    this.bearer = options.token;
  }

  private url(path: string): URL {
    return new URL(`${this.base}${path}`);
  }

  private where(url: URL): string {
    return url.origin === this.origin ? this.base : url.origin;
  }

  private authorization(): string | undefined {
    if (this.bearer !== undefined) return `Bearer ${this.bearer}`;
    if (this.options.username !== undefined) return `Basic ${Buffer.from(`${this.options.username}:${this.options.password ?? ''}`).toString('base64')}`;
    return undefined;
  }

  private async send(method: string, url: URL, options: RequestOptions, authorization = this.authorization()): Promise<Response> {
    const headers = new Headers(options.headers);
    // Credentials go to the registry's own origin only, never to a storage host a Location points at.
    if (authorization !== undefined && url.origin === this.origin) headers.set('authorization', authorization);
    try {
      // fetch sends any byte view; the DOM typings merely insist on a non-shared ArrayBuffer.
      return await this.fetchImpl(url, { method, headers, ...(options.body ? { body: options.body as Uint8Array<ArrayBuffer> } : {}) });
    } catch (error) {
      throw new RegistryError('unreachable', `The registry at ${this.where(url)} cannot be reached (${unreachableReason(error)})`);
    }
  }

  /** Sends once, and once more after a Bearer token challenge; any status outside `ok` becomes a RegistryError. */
  private async request(method: string, url: URL, options: RequestOptions): Promise<Response> {
    let response = await this.send(method, url, options);
    if (response.status === 401 && url.origin === this.origin) {
      const challenge = challengeParams(response.headers.get('www-authenticate') ?? '');
      if (challenge.scheme === 'bearer' && challenge.params.realm) {
        await discard(response);
        this.bearer = await this.fetchToken(challenge.params);
        response = await this.send(method, url, options);
      }
    }
    if (options.ok.includes(response.status)) return response;
    throw await this.failure(response, url, options.what);
  }

  private async fetchToken(params: Record<string, string>): Promise<string> {
    let realm: URL;
    try {
      realm = new URL(params.realm!);
    } catch {
      throw new RegistryError('protocol', `The registry at ${this.base} names an invalid token realm ${JSON.stringify(params.realm)}.`);
    }
    if (params.service) realm.searchParams.set('service', params.service);
    if (params.scope) realm.searchParams.set('scope', params.scope);
    const headers = new Headers();
    if (this.options.username !== undefined) {
      headers.set('authorization', `Basic ${Buffer.from(`${this.options.username}:${this.options.password ?? ''}`).toString('base64')}`);
    }
    let response: Response;
    try {
      response = await this.fetchImpl(realm, { headers });
    } catch (error) {
      throw new RegistryError('unreachable', `The token service at ${realm.origin} cannot be reached (${unreachableReason(error)})`);
    }
    if (response.status !== 200) {
      const detail = registryErrors((await readBody(response, ERROR_BODY_BYTES))?.toString('utf8') ?? '');
      throw new RegistryError('auth', `The token service at ${realm.origin} refused to issue a token (${response.status}${detail ? `: "${detail}"` : ''}).`, response.status);
    }
    const bytes = await readBody(response, TOKEN_LIMITS.maxBytes);
    let token: unknown;
    try {
      const body = parseJsonLimited(bytes?.toString('utf8') ?? '', TOKEN_LIMITS) as { token?: unknown; access_token?: unknown } | null;
      token = body?.token ?? body?.access_token;
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string' || token === '') throw new RegistryError('auth', `The token service at ${realm.origin} answered without a token.`);
    return token;
  }

  private async failure(response: Response, url: URL, what: string): Promise<RegistryError> {
    const text = (await readBody(response, ERROR_BODY_BYTES))?.toString('utf8') ?? '';
    const detail = registryErrors(text);
    const quoted = detail ? ` ("${detail}")` : '';
    const where = this.where(url);
    const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    if (response.status === 401 || response.status === 403) {
      return new RegistryError('auth', `The registry at ${where} refused access while ${what} (${status})${quoted}.`, response.status);
    }
    if (response.status === 404) return new RegistryError('not-found', `Not found while ${what}: the registry at ${where} answered ${status}${quoted}.`, response.status);
    if (response.status >= 500) return new RegistryError('server', `The registry at ${where} failed with a server error (${status}) while ${what}${quoted}.`, response.status);
    return new RegistryError('protocol', `The registry at ${where} answered ${status} while ${what}${quoted}.`, response.status);
  }

  /** The upload URL may be relative or absolute and may change after every request; the latest one is used. */
  private nextLocation(response: Response, current: URL, what: string): URL {
    const location = response.headers.get('location');
    if (!location) throw new RegistryError('protocol', `The registry at ${this.where(current)} sent no Location while ${what}.`, response.status);
    return new URL(location, current);
  }

  /** Uploads in chunks of chunkBytes (POST, PATCH…, PUT ?digest=), checking the local bytes against the descriptor on the way. */
  async pushBlob(repo: string, descriptor: Descriptor, open: () => Readable): Promise<void> {
    checkRepository(repo);
    checkDigest(descriptor.digest);
    const what = `pushing blob ${descriptor.digest} to ${repo}`;
    const head = await this.request('HEAD', this.url(`/v2/${repo}/blobs/${descriptor.digest}`), { what, ok: [200, 404] });
    await discard(head);
    if (head.status === 200) return;
    const started = await this.request('POST', this.url(`/v2/${repo}/blobs/uploads/`), { what, ok: [202] });
    await discard(started);
    let location = this.nextLocation(started, this.url(`/v2/${repo}/blobs/uploads/`), what);
    try {
      const hash = createHash('sha256');
      let sent = 0;
      for await (const chunk of chunksOf(open(), this.chunkBytes)) {
        if (sent + chunk.length > descriptor.size) throw this.localMismatch(descriptor, 'is larger than its descriptor says');
        hash.update(chunk);
        const response = await this.request('PATCH', location, {
          what,
          ok: [202],
          headers: { 'content-type': 'application/octet-stream', 'content-range': `${sent}-${sent + chunk.length - 1}` },
          body: chunk,
        });
        await discard(response);
        location = this.nextLocation(response, location, what);
        sent += chunk.length;
      }
      if (sent !== descriptor.size) throw this.localMismatch(descriptor, `has ${sent} bytes, not ${descriptor.size}`);
      if (`sha256:${hash.digest('hex')}` !== descriptor.digest) throw this.localMismatch(descriptor, 'does not hash to its digest');
      const done = new URL(location);
      done.searchParams.set('digest', descriptor.digest);
      const response = await this.request('PUT', done, { what, ok: [201], headers: { 'content-type': 'application/octet-stream' } });
      await discard(response);
      const echoed = response.headers.get('docker-content-digest');
      if (echoed && echoed !== descriptor.digest) {
        throw new RegistryError('digest-mismatch', `The registry at ${this.base} stored blob ${descriptor.digest} as ${echoed}.`);
      }
    } catch (error) {
      // Frees the registry's upload session; its answer does not matter, the first error does.
      await this.send('DELETE', location, { what, ok: [] }).then(discard, () => undefined);
      throw error;
    }
  }

  private localMismatch(descriptor: Descriptor, problem: string): RegistryError {
    return new RegistryError('digest-mismatch', `The local blob ${descriptor.digest} ${problem}; nothing was pushed for it.`);
  }

  async pushManifest(repo: string, reference: string, bytes: Uint8Array, mediaType: string): Promise<string> {
    return (await this.putManifest(repo, reference, bytes, mediaType)).digest;
  }

  /** Also says whether the registry took note of the manifest's subject (OCI-Subject), i.e. whether it keeps referrers itself. */
  async putManifest(repo: string, reference: string, bytes: Uint8Array, mediaType: string): Promise<{ digest: string; subjectAccepted: boolean }> {
    checkRepository(repo);
    checkReference(reference);
    const digest = sha256(bytes);
    if (isDigest(reference) && reference !== digest) throw new RegistryError('digest-mismatch', `The manifest bytes hash to ${digest}, not to ${reference}.`);
    const what = `pushing manifest ${repo}:${reference}`;
    const response = await this.request('PUT', this.url(`/v2/${repo}/manifests/${reference}`), { what, ok: [201], headers: { 'content-type': mediaType }, body: bytes });
    await discard(response);
    const echoed = response.headers.get('docker-content-digest');
    if (echoed && echoed !== digest) throw new RegistryError('digest-mismatch', `The registry at ${this.base} stored manifest ${repo}:${reference} as ${echoed}, not ${digest}.`);
    return { digest, subjectAccepted: response.headers.has('oci-subject') };
  }

  async getManifest(repo: string, reference: string): Promise<{ bytes: Uint8Array; mediaType: string; digest: string }> {
    checkRepository(repo);
    checkReference(reference);
    const what = `fetching manifest ${repo}:${reference}`;
    const response = await this.request('GET', this.url(`/v2/${repo}/manifests/${reference}`), { what, ok: [200], headers: { accept: MANIFEST_ACCEPT } });
    const bytes = await readBody(response, MANIFEST_LIMITS.maxBytes);
    if (!bytes) throw new RegistryError('protocol', `The manifest ${repo}:${reference} is larger than ${MANIFEST_LIMITS.maxBytes} bytes.`);
    const digest = sha256(bytes);
    if (isDigest(reference) && digest !== reference) throw new RegistryError('digest-mismatch', `The registry at ${this.base} sent a manifest for ${reference} that hashes to ${digest}.`);
    const echoed = response.headers.get('docker-content-digest');
    if (echoed && isDigest(echoed) && echoed !== digest) {
      throw new RegistryError('digest-mismatch', `The registry at ${this.base} says manifest ${repo}:${reference} is ${echoed}, but its bytes hash to ${digest}.`);
    }
    const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
    return { bytes, mediaType, digest };
  }

  /** Streams into `to`, which is never finished unless size and sha256 both matched: a bad blob errors the pipeline first. */
  async fetchBlob(repo: string, descriptor: Descriptor, to: Writable): Promise<void> {
    checkRepository(repo);
    checkDigest(descriptor.digest);
    const what = `fetching blob ${descriptor.digest} from ${repo}`;
    const response = await this.request('GET', this.url(`/v2/${repo}/blobs/${descriptor.digest}`), { what, ok: [200] });
    const mismatch = (problem: string) => new RegistryError('digest-mismatch', `The registry at ${this.base} sent blob ${descriptor.digest} ${problem}.`);
    const declared = response.headers.get('content-length');
    if (declared !== null && Number(declared) !== descriptor.size) {
      await discard(response);
      throw mismatch(`with ${declared} bytes instead of ${descriptor.size}`);
    }
    if (!response.body) throw new RegistryError('protocol', `The registry at ${this.base} sent no body while ${what}.`);
    const hash = createHash('sha256');
    let received = 0;
    const verify = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        if (received > descriptor.size) {
          callback(mismatch(`with more than ${descriptor.size} bytes`));
          return;
        }
        hash.update(chunk);
        callback(null, chunk);
      },
      flush(callback) {
        if (received !== descriptor.size) callback(mismatch(`with ${received} bytes instead of ${descriptor.size}`));
        else if (`sha256:${hash.digest('hex')}` !== descriptor.digest) callback(mismatch('with content that does not match its digest'));
        else callback();
      },
    });
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), verify, to);
  }

  /** The referrers API where the registry has it; otherwise the index kept under the `sha256-<hex>` tag. */
  async referrers(repo: string, subjectDigest: string): Promise<Descriptor[]> {
    checkRepository(repo);
    checkDigest(subjectDigest);
    const what = `listing the referrers of ${subjectDigest} in ${repo}`;
    const response = await this.request('GET', this.url(`/v2/${repo}/referrers/${subjectDigest}`), { what, ok: [200, 404], headers: { accept: INDEX_MEDIA_TYPE } });
    if (response.status === 200) {
      const bytes = await readBody(response, MANIFEST_LIMITS.maxBytes);
      if (!bytes) throw new RegistryError('protocol', `The referrers list of ${subjectDigest} is larger than ${MANIFEST_LIMITS.maxBytes} bytes.`);
      return parseIndex(this.parseRemote(bytes, what)).manifests;
    }
    await discard(response);
    const fallback = await this.tagIndex(repo, subjectDigest);
    return fallback ? parseIndex(fallback).manifests : [];
  }

  /** The raw fallback index, so a rewrite keeps fields other tools put there (platform, data…) that parseIndex drops. */
  private async tagIndex(repo: string, subjectDigest: string): Promise<(ImageIndex & Record<string, unknown>) | undefined> {
    try {
      const { bytes } = await this.getManifest(repo, referrersTag(subjectDigest));
      const raw = this.parseRemote(bytes, `reading the referrers index of ${subjectDigest}`);
      parseIndex(raw);
      return raw as ImageIndex & Record<string, unknown>;
    } catch (error) {
      if (error instanceof RegistryError && error.reason === 'not-found') return undefined;
      if (error instanceof OciFormatError) throw new RegistryError('protocol', `The referrers index of ${subjectDigest} in ${repo} is malformed: ${error.message}`);
      throw error;
    }
  }

  /** Read-modify-write of the fallback index; a descriptor already listed is left alone. */
  async addReferrerToTagIndex(repo: string, subjectDigest: string, descriptor: Descriptor): Promise<void> {
    const index = (await this.tagIndex(repo, subjectDigest)) ?? { schemaVersion: 2, mediaType: INDEX_MEDIA_TYPE, manifests: [] };
    if (index.manifests.some((m) => m.digest === descriptor.digest)) return;
    const updated = { ...index, manifests: [...index.manifests, descriptor] };
    await this.pushManifest(repo, referrersTag(subjectDigest), Buffer.from(JSON.stringify(updated), 'utf8'), INDEX_MEDIA_TYPE);
  }

  private parseRemote(bytes: Uint8Array, what: string): unknown {
    try {
      return parseJsonLimited(Buffer.from(bytes).toString('utf8'), MANIFEST_LIMITS);
    } catch (error) {
      if (error instanceof JsonLimitError) throw new RegistryError('protocol', `The registry at ${this.base} sent unusable JSON while ${what}: ${error.message}`);
      throw error;
    }
  }
}

function openLocal(layout: OciLayout, descriptor: Descriptor): Readable {
  if (layout.hasBlob(descriptor.digest)) return layout.openBlob(descriptor.digest);
  // The empty config is two known bytes; a layout that never stored it can still push it.
  if (descriptor.digest === EMPTY_DESCRIPTOR.digest) return Readable.from([Buffer.from('{}')]);
  throw new OciLayoutError(`Blob ${descriptor.digest} is not in the layout at ${layout.dir}.`);
}

async function pushManifestAndBlobs(
  client: RegistryClient,
  layout: OciLayout,
  repo: string,
  digest: string,
  reference: string,
): Promise<{ manifest: ImageManifest; size: number; subjectAccepted: boolean }> {
  const bytes = await layout.readSmallBlob(digest);
  const manifest = parseManifest(parseJsonLimited(bytes.toString('utf8'), MANIFEST_LIMITS));
  for (const blob of [manifest.config, ...manifest.layers]) await client.pushBlob(repo, blob, () => openLocal(layout, blob));
  const { subjectAccepted } = await client.putManifest(repo, reference, bytes, MANIFEST_MEDIA_TYPE);
  return { manifest, size: bytes.length, subjectAccepted };
}

/** Blobs before manifests, the subject before its referrers: a registry never holds a manifest whose parts it lacks. */
export async function pushLayout(client: RegistryClient, layout: OciLayout, repo: string, manifestDigest: string, tag?: string): Promise<void> {
  await pushManifestAndBlobs(client, layout, repo, manifestDigest, tag ?? manifestDigest);
  for (const { descriptor } of await layout.referrers(manifestDigest)) {
    const pushed = await pushManifestAndBlobs(client, layout, repo, descriptor.digest, descriptor.digest);
    if (pushed.subjectAccepted) continue;
    const entry: Descriptor = { mediaType: MANIFEST_MEDIA_TYPE, digest: descriptor.digest, size: pushed.size, artifactType: artifactTypeOf(pushed.manifest) };
    if (pushed.manifest.annotations) entry.annotations = pushed.manifest.annotations;
    await client.addReferrerToTagIndex(repo, manifestDigest, entry);
  }
}

function parseRemoteManifest(bytes: Uint8Array, what: string): ImageManifest {
  try {
    return parseManifest(parseJsonLimited(Buffer.from(bytes).toString('utf8'), MANIFEST_LIMITS));
  } catch (error) {
    if (error instanceof OciFormatError || error instanceof JsonLimitError) throw new RegistryError('protocol', `${what} is not a usable OCI image manifest: ${error.message}`);
    throw error;
  }
}

/**
 * Everything is downloaded into temp files and verified first, then named and indexed together: a failed pull
 * leaves the layout as it was.
 */
export async function pullLayout(client: RegistryClient, repo: string, reference: string, layout: OciLayout): Promise<string> {
  const staged: StagedBlob[] = [];
  const wanted = new Set<string>();
  const indexEntries: Descriptor[] = [];

  const stageRemote = async (blob: Descriptor) => {
    if (wanted.has(blob.digest)) return;
    wanted.add(blob.digest);
    if ((await layout.verifyBlob(blob)).ok) return;
    staged.push(await layout.stageBlob(blob, (sink) => client.fetchBlob(repo, blob, sink)));
  };
  const stageManifest = async (digest: string, bytes: Uint8Array, manifest: ImageManifest) => {
    for (const blob of [manifest.config, ...manifest.layers]) await stageRemote(blob);
    const descriptor: Descriptor = { mediaType: MANIFEST_MEDIA_TYPE, digest, size: bytes.length };
    if (!wanted.has(digest)) {
      wanted.add(digest);
      staged.push(await layout.stageBlob(descriptor, (sink) => pipeline(Readable.from([Buffer.from(bytes)]), sink)));
    }
    return descriptor;
  };

  let rootDigest: string;
  try {
    const root = await client.getManifest(repo, reference);
    const rootManifest = parseRemoteManifest(root.bytes, `${repo}:${reference}`);
    rootDigest = root.digest;
    const rootEntry = await stageManifest(root.digest, root.bytes, rootManifest);
    if (rootManifest.artifactType) rootEntry.artifactType = rootManifest.artifactType;
    if (!isDigest(reference)) rootEntry.annotations = { [REF_NAME]: reference };
    indexEntries.push(rootEntry);
    for (const referrer of await client.referrers(repo, root.digest)) {
      if (referrer.mediaType !== MANIFEST_MEDIA_TYPE) continue;
      const fetched = await client.getManifest(repo, referrer.digest);
      const manifest = parseRemoteManifest(fetched.bytes, `${repo}@${referrer.digest}`);
      // The fallback index is an ordinary tag anyone with push rights can write: only true referrers are kept.
      if (manifest.subject?.digest !== root.digest) continue;
      const entry = await stageManifest(fetched.digest, fetched.bytes, manifest);
      entry.artifactType = artifactTypeOf(manifest);
      if (manifest.annotations) entry.annotations = manifest.annotations;
      indexEntries.push(entry);
    }
  } catch (error) {
    for (const blob of staged) blob.discard();
    throw error;
  }
  for (const blob of staged) blob.commit();
  for (const entry of indexEntries) layout.addToIndex(entry);
  return rootDigest;
}
