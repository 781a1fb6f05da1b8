// The twin layout's index.json, always written in canonical form (load.ts refuses any other form); main process and CLI.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stageFile, writeFileAtomic } from '../store/atomic.js';
import type { StagedFile } from '../store/atomic.js';
import { indexEntry, JSON_LIMITS, jsonBytes, TWIN_REF_NAME } from './format.js';
import { parseJsonLimited } from './oci/json-limits.js';
import { INDEX_MEDIA_TYPE, parseIndex, parseManifest } from './oci/types.js';
import type { Descriptor, ImageIndex } from './oci/types.js';

export function readTwinIndex(dir: string): ImageIndex {
  return parseIndex(parseJsonLimited(readFileSync(join(dir, 'index.json'), 'utf8'), JSON_LIMITS));
}

function indexBytes(manifests: readonly Descriptor[]): Uint8Array {
  const index: ImageIndex = { schemaVersion: 2, mediaType: INDEX_MEDIA_TYPE, manifests: [...manifests] };
  return jsonBytes(index);
}

export function writeTwinIndex(dir: string, manifests: readonly Descriptor[]): void {
  writeFileAtomic(join(dir, 'index.json'), indexBytes(manifests));
}

/** The index with entries added (idempotent by digest) and those in `remove` dropped. */
function updatedManifests(dir: string, add: readonly Descriptor[], remove: ReadonlySet<string>): Descriptor[] {
  const kept = readTwinIndex(dir).manifests.filter((m) => !remove.has(m.digest));
  const known = new Set(kept.map((m) => m.digest));
  return [...kept, ...add.filter((m) => !known.has(m.digest))];
}

export function updateTwinIndex(dir: string, add: readonly Descriptor[], remove: ReadonlySet<string> = new Set()): void {
  writeTwinIndex(dir, updatedManifests(dir, add, remove));
}

/** The updated index written under a temp name, for a caller that commits it together with the blobs it lists. */
export function stageTwinIndex(dir: string, add: readonly Descriptor[]): StagedFile {
  return stageFile(join(dir, 'index.json'), indexBytes(updatedManifests(dir, add, new Set())));
}

/**
 * Rewrites an index another tool wrote (a pull) into ours: every listed manifest's entry rebuilt from its own bytes,
 * the twin's manifest named. A manifest that is not in our canonical form is still listed; loadTwin then names it.
 */
export function normaliseTwinIndex(dir: string, manifestDigest: string): void {
  const entries = readTwinIndex(dir).manifests.map((entry) => {
    const bytes = readFileSync(join(dir, 'blobs', 'sha256', entry.digest.slice('sha256:'.length)));
    const manifest = parseManifest(parseJsonLimited(bytes.toString('utf8'), JSON_LIMITS));
    return { ...indexEntry(bytes, manifest, entry.digest === manifestDigest ? TWIN_REF_NAME : undefined), digest: entry.digest };
  });
  writeTwinIndex(dir, entries);
}
