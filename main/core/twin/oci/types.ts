// OCI image-spec 1.1 shapes (descriptor, manifest, index) and their strict parsers; main process and workers.

export const MANIFEST_MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';
export const INDEX_MEDIA_TYPE = 'application/vnd.oci.image.index.v1+json';
export const EMPTY_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType: typeof MANIFEST_MEDIA_TYPE;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType: typeof INDEX_MEDIA_TYPE;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

/** The placeholder config of artifacts that have no config of their own: the two bytes `{}`. */
export const EMPTY_DESCRIPTOR: Readonly<Descriptor> = Object.freeze({
  mediaType: EMPTY_MEDIA_TYPE,
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2,
});

export class OciFormatError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'OciFormatError';
  }
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
// RFC 6838 type/subtype, with optional parameters as registries sometimes keep them.
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(?:\s*;.*)?$/;

/** Only sha256 is accepted: it is what every registry and the layout's blob folder use. */
export function isDigest(s: string): boolean {
  return DIGEST.test(s);
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, field: string): Json {
  if (!isObject(value)) throw new OciFormatError(field, 'must be an object');
  return value;
}

function mediaType(value: unknown, field: string): string {
  if (typeof value !== 'string' || !MEDIA_TYPE.test(value)) throw new OciFormatError(field, 'must be a media type such as "application/json"');
  return value;
}

function annotations(value: unknown, field: string): Record<string, string> {
  const source = object(value, field);
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(source)) {
    if (typeof entry !== 'string') throw new OciFormatError(`${field}.${key}`, 'must be a string');
    out[key] = entry;
  }
  return out;
}

function schemaVersion(json: Json): 2 {
  if (json.schemaVersion !== 2) throw new OciFormatError('schemaVersion', 'must be 2');
  return 2;
}

export function parseDescriptor(value: unknown, field = 'descriptor'): Descriptor {
  const json = object(value, field);
  const digest = json.digest;
  if (typeof digest !== 'string' || !isDigest(digest)) throw new OciFormatError(`${field}.digest`, 'must be "sha256:" followed by 64 lowercase hex digits');
  const size = json.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw new OciFormatError(`${field}.size`, 'must be a non-negative integer');
  const descriptor: Descriptor = { mediaType: mediaType(json.mediaType, `${field}.mediaType`), digest, size };
  if (json.artifactType !== undefined) descriptor.artifactType = mediaType(json.artifactType, `${field}.artifactType`);
  if (json.annotations !== undefined) descriptor.annotations = annotations(json.annotations, `${field}.annotations`);
  return descriptor;
}

function descriptors(value: unknown, field: string): Descriptor[] {
  if (!Array.isArray(value)) throw new OciFormatError(field, 'must be an array');
  return value.map((entry, i) => parseDescriptor(entry, `${field}[${i}]`));
}

/** Unknown properties are dropped, as the image spec asks, so the result holds only what was checked. */
export function parseManifest(json: unknown): ImageManifest {
  const source = object(json, 'manifest');
  const version = schemaVersion(source);
  if (source.mediaType !== MANIFEST_MEDIA_TYPE) throw new OciFormatError('mediaType', `must be "${MANIFEST_MEDIA_TYPE}"`);
  if (source.manifests !== undefined) throw new OciFormatError('manifests', 'belongs to an index, not to an image manifest');
  const manifest: ImageManifest = {
    schemaVersion: version,
    mediaType: MANIFEST_MEDIA_TYPE,
    config: parseDescriptor(source.config, 'config'),
    layers: descriptors(source.layers, 'layers'),
  };
  if (source.artifactType !== undefined) manifest.artifactType = mediaType(source.artifactType, 'artifactType');
  if (source.subject !== undefined) manifest.subject = parseDescriptor(source.subject, 'subject');
  if (source.annotations !== undefined) manifest.annotations = annotations(source.annotations, 'annotations');
  return manifest;
}

export function parseIndex(json: unknown): ImageIndex {
  const source = object(json, 'index');
  const version = schemaVersion(source);
  if (source.mediaType !== INDEX_MEDIA_TYPE) throw new OciFormatError('mediaType', `must be "${INDEX_MEDIA_TYPE}"`);
  if (source.config !== undefined || source.layers !== undefined) throw new OciFormatError('config', 'belongs to an image manifest, not to an index');
  const index: ImageIndex = { schemaVersion: version, mediaType: INDEX_MEDIA_TYPE, manifests: descriptors(source.manifests, 'manifests') };
  if (source.annotations !== undefined) index.annotations = annotations(source.annotations, 'annotations');
  return index;
}

/** What a referrer is filtered by: its artifactType, or its config's media type when it has none (image-spec 1.1). */
export function artifactTypeOf(manifest: ImageManifest): string {
  return manifest.artifactType ?? manifest.config.mediaType;
}
