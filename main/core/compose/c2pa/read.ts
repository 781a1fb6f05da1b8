// C2PA: reads and validates a video's manifest, embedded or in a .c2pa sidecar, against the install CAs a verifier knows (main process and CLI).
import { createHash } from 'node:crypto';
import { AI_SOURCE_TYPES, pickRender, RENDER_ASSERTION, type RenderProvenance, renderProblems } from './manifest.js';
import { c2paSettings } from './settings.js';
import { C2paError, readStore } from './wasm.js';

export interface ProvenanceReport {
  /** A C2PA manifest was found (embedded, or the sidecar given). */
  present: boolean;
  /** Signature, certificate profile and hard binding all check out; says nothing about who the signer is. */
  valid: boolean;
  /** Why it is not valid, each as `<C2PA status code>: <explanation>`; an unknown signer is not one of them. */
  problems: string[];
  render?: RenderProvenance;
  signer?: { subject: string; issuer: string };
  /** The manifest declares the media made by a trained model; read it together with `valid`. */
  aiGenerated: boolean;
  /** Valid, and the signing certificate chains to one of the trust anchors given. */
  trustedByAnchor: boolean;
}

export interface ReadOptions {
  /** The detached manifest store (.c2pa) of the file; read instead of anything embedded. */
  sidecar?: Uint8Array;
  trustAnchorsPem?: string[];
}

/** The file or its sidecar could not be parsed at all (damaged, truncated, not the format named). */
export class ProvenanceReadError extends Error {
  constructor(message: string, options?: { cause: C2paError }) {
    super(message, options);
    this.name = 'ProvenanceReadError';
  }
}

const UNTRUSTED = 'signingCredential.untrusted';
const TRUSTED = 'signingCredential.trusted';
const DATA_HASH_URL = '/c2pa.assertions/c2pa.hash.data';
const DATA_HASH_MISMATCH = 'assertion.dataHash.mismatch';
const C2PA_STORE = 'application/c2pa';

type Json = Record<string, unknown>;

function record(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

interface Status {
  code: string;
  url: string;
  explanation: string;
}

function statuses(value: unknown): Status[] {
  return list(value).flatMap((entry) => {
    const s = record(entry);
    if (typeof s?.code !== 'string') return [];
    return [{ code: s.code, url: typeof s.url === 'string' ? s.url : '', explanation: typeof s.explanation === 'string' ? s.explanation : '' }];
  });
}

const statusText = (s: Status) => (s.explanation ? `${s.code}: ${s.explanation}` : s.code);

function absent(problems: string[] = []): ProvenanceReport {
  return { present: false, valid: false, problems, aiGenerated: false, trustedByAnchor: false };
}

/** `CN=…, O=…` from crJSON's certificate name map. */
function distinguishedName(value: unknown): string | undefined {
  const parts = Object.entries(record(value) ?? {}).flatMap(([k, v]) => (typeof v === 'string' ? [`${k}=${v}`] : []));
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** crJSON writes byte strings as b64'…'. */
function crJsonBytes(value: unknown): Buffer | undefined {
  const match = typeof value === 'string' ? /^b64'([A-Za-z0-9+/]*={0,2})'$/.exec(value) : null;
  return match ? Buffer.from(match[1] ?? '', 'base64') : undefined;
}

/**
 * Checks a sidecar's c2pa.hash.data against the media. c2pa-wasm can only read a .c2pa store as an asset of its own,
 * so it validates the signature, certificate and assertion hashes but hashes the store instead of the media; this
 * redoes that one check on the right bytes. The assertion's content is covered by the signature because c2pa-rs
 * matched its hashed URI.
 */
function sidecarBindingProblems(manifest: Json | undefined, success: Status[], media: Uint8Array): string[] {
  const assertion = record(record(manifest?.assertions)?.['c2pa.hash.data']);
  if (!assertion) return ['claim.hardBindings.missing: the sidecar has no whole-file data hash (c2pa.hash.data) to check this file against'];
  if (!success.some((s) => s.code === 'assertion.hashedURI.match' && s.url.endsWith(DATA_HASH_URL))) {
    return ['assertion.hashedURI.mismatch: the sidecar data hash is not covered by its claim'];
  }
  const alg = typeof assertion.alg === 'string' ? assertion.alg : record(manifest?.['claim.v2'])?.alg;
  const expected = crJsonBytes(assertion.hash);
  if (alg !== 'sha256' && alg !== 'sha384' && alg !== 'sha512') return [`algorithm.unsupported: data hash algorithm ${String(alg)}`];
  if (!expected) return [`${DATA_HASH_MISMATCH}: the sidecar data hash is unreadable`];
  const hash = createHash(alg);
  let at = 0;
  const exclusions = list(assertion.exclusions)
    .map((e) => ({ start: Number(record(e)?.start), length: Number(record(e)?.length) }))
    .sort((a, b) => a.start - b.start);
  for (const { start, length } of exclusions) {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(length) || start < at || start + length > media.length) {
      return [`${DATA_HASH_MISMATCH}: the sidecar's excluded ranges do not fit this file`];
    }
    hash.update(media.subarray(at, start));
    at = start + length;
  }
  hash.update(media.subarray(at));
  return hash.digest().equals(expected) ? [] : [`${DATA_HASH_MISMATCH}: the file's bytes do not match the hash in its sidecar`];
}

/**
 * Where an MP4's top-level boxes run past the end of the file. c2pa-rs reads a file cut inside its last box (mdat)
 * and reports only a hash mismatch; a cut-off copy deserves to be called that.
 */
export function bmffTruncation(input: Uint8Array): string | undefined {
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  let at = 0;
  while (at + 8 <= input.length) {
    const type = Buffer.from(input.subarray(at + 4, at + 8)).toString('latin1');
    let size = view.getUint32(at);
    let header = 8;
    if (size === 0) return undefined; // the last box, running to the end of the file
    if (size === 1) {
      if (at + 16 > input.length) break;
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    }
    if (size < header) return `the box at byte ${at} has an impossible size (${size})`;
    if (at + size > input.length) return `the ${JSON.stringify(type)} box at byte ${at} needs ${size} bytes but only ${input.length - at} remain`;
    at += size;
  }
  return at === input.length ? undefined : `it ends inside the header of a box at byte ${at}`;
}

function isAiGenerated(assertions: unknown[]): boolean {
  return assertions.some((entry) => {
    const a = record(entry);
    if (typeof a?.label !== 'string' || !/^c2pa\.actions(\.v\d+)?$/.test(a.label)) return false;
    return list(record(a.data)?.actions).some((action) => AI_SOURCE_TYPES.has(String(record(action)?.digitalSourceType)));
  });
}

async function readOrExplain(format: string, bytes: Uint8Array, context: string, what: string): Promise<{ json: string; crJson: string } | string[]> {
  try {
    return await readStore(format, bytes, context);
  } catch (error) {
    if (!(error instanceof C2paError)) throw error;
    if (error.kind === 'JumbfNotFound') return [];
    if (error.kind === 'UnsupportedType') return [`${format} cannot carry an embedded C2PA manifest; read it with its .c2pa sidecar`];
    throw new ProvenanceReadError(`Cannot read ${what}: it is damaged, truncated or not what it claims to be (${error.message}).`, { cause: error });
  }
}

/**
 * Reads the active manifest of `input` (or of `options.sidecar`) with c2pa-rs, validating the claim signature, the
 * signing certificate's C2PA profile, the assertion hashes and the hard binding to the media. Trust is reported
 * separately: a signer from an install CA not among `trustAnchorsPem` is valid but not trusted. A file without a
 * manifest gives present: false; a file that cannot be parsed throws ProvenanceReadError.
 */
export async function readProvenance(input: Uint8Array, format: string, options: ReadOptions = {}): Promise<ProvenanceReport> {
  if (format === 'video/mp4') {
    const cut = bmffTruncation(input);
    if (cut) throw new ProvenanceReadError(`This video/mp4 file is truncated or damaged: ${cut}.`);
  }
  const context = c2paSettings(options.trustAnchorsPem ?? []);
  const { sidecar } = options;
  const read = sidecar
    ? await readOrExplain(C2PA_STORE, sidecar, context, 'the .c2pa sidecar')
    : await readOrExplain(format, input, context, `this ${format} file`);
  if (Array.isArray(read)) return absent(read);

  const store = record(JSON.parse(read.json));
  const label = store?.active_manifest;
  const manifest = typeof label === 'string' ? record(record(store?.manifests)?.[label]) : undefined;
  if (typeof label !== 'string' || !manifest) return absent();
  const crManifest = list(record(JSON.parse(read.crJson))?.manifests)
    .map(record)
    .find((m) => m?.label === label);

  const results = record(record(store?.validation_results)?.activeManifest);
  const success = statuses(results?.success);
  let failures = statuses(results?.failure);
  const problems: string[] = results ? [] : ['c2pa-rs reported no validation results'];
  if (sidecar) {
    failures = failures.filter((s) => !(s.code === DATA_HASH_MISMATCH && s.url.endsWith(DATA_HASH_URL)));
    problems.push(...sidecarBindingProblems(crManifest, success, input));
  }
  problems.unshift(...failures.filter((s) => s.code !== UNTRUSTED).map(statusText));

  const assertions = list(manifest.assertions);
  const renderData = record(assertions.find((a) => record(a)?.label === RENDER_ASSERTION))?.data;
  if (renderData !== undefined) problems.push(...renderProblems(renderData).map((p) => `${RENDER_ASSERTION}: ${p}`));
  const render = pickRender(renderData);

  const certificate = record(record(crManifest?.signature)?.certificateInfo);
  const subject = distinguishedName(certificate?.subject);
  const issuer = distinguishedName(certificate?.issuer);

  const valid = problems.length === 0;
  return {
    present: true,
    valid,
    problems,
    ...(render ? { render } : {}),
    ...(subject && issuer ? { signer: { subject, issuer } } : {}),
    aiGenerated: isAiGenerated(assertions),
    trustedByAnchor: valid && success.some((s) => s.code === TRUSTED),
  };
}
