// The twin layout's index.json, always written in canonical form (load.ts refuses any other form); main process and CLI.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/atomic.js';
import { indexEntry, JSON_LIMITS, jsonBytes, TWIN_REF_NAME } from './format.js';
import { parseJsonLimited } from './oci/json-limits.js';
import { INDEX_MEDIA_TYPE, parseIndex, parseManifest } from './oci/types.js';
import type { Descriptor, ImageIndex } from './oci/types.js';

export function readTwinIndex(dir: string): ImageIndex {
  return parseIndex(parseJsonLimited(readFileSync(join(dir, 'index.json'), 'utf8'), JSON_LIMITS));
}

export function writeTwinIndex(dir: string, manifests: readonly Descriptor[]): void {
  const index: ImageIndex = { schemaVersion: 2, mediaType: INDEX_MEDIA_TYPE, manifests: [...manifests] };
  writeFileAtomic(join(dir, 'index.json'), jsonBytes(index));
}

/** Adds entries (idempotent by digest) and drops those in `remove`. */
export function updateTwinIndex(dir: string, add: readonly Descriptor[], remove: ReadonlySet<string> = new Set()): void {
  const kept = readTwinIndex(dir).manifests.filter((m) => !remove.has(m.digest));
  const known = new Set(kept.map((m) => m.digest));
  writeTwinIndex(dir, [...kept, ...add.filter((m) => !known.has(m.digest))]);
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
