// Export of an OCI layout as one deterministic POSIX ustar file and a hardened import of such a file; main process.
import { createHash, randomBytes } from 'node:crypto';
import { constants, lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { lstat, mkdir, open, statfs, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fsyncDirectory, replaceFile, writeAll } from '../../store/atomic.js';
import { JsonLimitError, parseJsonLimited } from './json-limits.js';
import { INDEX_FILE, INDEX_LIMITS, LAYOUT_FILE, LAYOUT_VERSION, OciLayout } from './layout.js';
import { MANIFEST_MEDIA_TYPE, OciFormatError, parseIndex, type Descriptor } from './types.js';

const BLOCK = 512;
const CHUNK = 1 << 20;
const BLOB_NAME = /^blobs\/sha256\/([0-9a-f]{64})$/;
const DIRECTORIES = ['blobs', 'blobs/sha256'];
/** The largest size twelve octal digits hold; the import default stays below it. */
const MAX_ENTRY_BYTES = 0o777777777777;
const GIB = 1024 ** 3;

export type TarImportReason =
  | 'target-exists'
  | 'unsafe-path'
  | 'not-in-layout'
  | 'duplicate'
  | 'link'
  | 'device'
  | 'fifo'
  | 'pax'
  | 'gnu-extension'
  | 'unsupported-type'
  | 'bad-header'
  | 'bad-checksum'
  | 'bad-number'
  | 'too-large'
  | 'too-many-entries'
  | 'truncated'
  | 'digest-mismatch'
  | 'bad-json'
  | 'incomplete-layout';

export class TarImportError extends Error {
  constructor(
    readonly reason: TarImportReason,
    readonly entry: string | undefined,
    detail: string,
  ) {
    super(entry === undefined ? `The archive was refused: ${detail}` : `The archive was refused at entry ${JSON.stringify(entry)}: ${detail}`);
    this.name = 'TarImportError';
  }
}

export interface TarImportLimits {
  maxEntryBytes?: number;
  maxTotalBytes?: number;
  maxEntries?: number;
  maxJsonBytes?: number;
}

const ZERO_BLOCK = Buffer.alloc(BLOCK);

function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

/** Every file and folder a layout may hold, in one place for both directions. */
function layoutEntry(name: string): { kind: 'dir' } | { kind: 'json' } | { kind: 'blob'; digest: string } | undefined {
  if (DIRECTORIES.includes(name)) return { kind: 'dir' };
  if (name === LAYOUT_FILE || name === INDEX_FILE) return { kind: 'json' };
  const blob = BLOB_NAME.exec(name);
  return blob ? { kind: 'blob', digest: `sha256:${blob[1]}` } : undefined;
}

// --- export ---------------------------------------------------------------------------------------------------

function writeOctal(header: Buffer, offset: number, length: number, value: number): void {
  const digits = value.toString(8);
  // Up to length-1 digits with a NUL; a value that needs every byte is written without one, as GNU tar does.
  if (digits.length < length) header.write(`${digits.padStart(length - 1, '0')}\0`, offset, length, 'ascii');
  else if (digits.length === length) header.write(digits, offset, length, 'ascii');
  else throw new Error(`${value} does not fit a ${length}-byte tar field.`);
}

function ustarHeader(name: string, type: '0' | '5', size: number): Buffer {
  const header = Buffer.alloc(BLOCK);
  header.write(name, 0, 100, 'ascii');
  writeOctal(header, 100, 8, type === '5' ? 0o755 : 0o644);
  writeOctal(header, 108, 8, 0);
  writeOctal(header, 116, 8, 0);
  writeOctal(header, 124, 12, size);
  writeOctal(header, 136, 12, 0);
  header.write(type, 156, 1, 'ascii');
  header.write('ustar\0', 257, 6, 'ascii');
  header.write('00', 263, 2, 'ascii');
  writeOctal(header, 329, 8, 0);
  writeOctal(header, 337, 8, 0);
  header.fill(0x20, 148, 156);
  header.write(`${checksumOf(header).toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return header;
}

function checksumOf(header: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  return sum;
}

/** Checks that index.json, its manifests and their config and layers are all present at their declared sizes. */
async function checkComplete(layout: OciLayout): Promise<void> {
  const present = (d: Descriptor, what: string) => {
    let size: number | undefined;
    try {
      const stat = lstatSync(layout.blobPath(d.digest));
      if (stat.isFile()) size = stat.size;
    } catch {
      size = undefined;
    }
    if (size === undefined) throw new Error(`${what} ${d.digest} is not in the layout.`);
    if (size !== d.size) throw new Error(`${what} ${d.digest} has ${size} bytes, not the ${d.size} its descriptor declares.`);
  };
  for (const descriptor of layout.index().manifests) {
    present(descriptor, 'Manifest');
    if (descriptor.mediaType !== MANIFEST_MEDIA_TYPE) continue;
    const manifest = await layout.readManifest(descriptor);
    present(manifest.config, `The config of ${descriptor.digest}`);
    for (const layer of manifest.layers) present(layer, `A layer of ${descriptor.digest}`);
  }
}

interface ExportEntry {
  name: string;
  type: '0' | '5';
  path: string;
  size: number;
  digest?: string;
}

/** Lists what goes into the archive; leftovers of interrupted writes (dot files) are not part of the layout and stay out. */
function exportEntries(dir: string): ExportEntry[] {
  const entries: ExportEntry[] = [];
  const file = (name: string, path: string, digest?: string) => {
    const stat = lstatSync(path);
    if (!stat.isFile()) throw new Error(`${path} is not a regular file; a layout holds only regular files.`);
    entries.push({ name, type: '0', path, size: stat.size, ...(digest ? { digest } : {}) });
  };
  file(LAYOUT_FILE, join(dir, LAYOUT_FILE));
  file(INDEX_FILE, join(dir, INDEX_FILE));
  for (const name of DIRECTORIES) entries.push({ name: `${name}/`, type: '5', path: join(dir, name), size: 0 });
  for (const name of readdirSync(join(dir, 'blobs', 'sha256'))) {
    const entry = layoutEntry(`blobs/sha256/${name}`);
    if (entry?.kind === 'blob') file(`blobs/sha256/${name}`, join(dir, 'blobs', 'sha256', name), entry.digest);
  }
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Same layout, same bytes: entries sorted, times and owners zeroed, fixed modes. Blobs are streamed and re-hashed on
 * the way, so a damaged blob stops the export instead of travelling.
 */
export async function exportLayoutTar(dir: string, outFile: string): Promise<{ bytes: number }> {
  await checkComplete(await OciLayout.open(dir));
  const entries = exportEntries(dir);
  let bytes = 0;
  await replaceFile(outFile, 0o644, async (out) => {
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (const entry of entries) {
      await writeAll(out, ustarHeader(entry.name, entry.type, entry.size));
      bytes += BLOCK;
      if (entry.type === '5') continue;
      const hash = createHash('sha256');
      const input = await open(entry.path, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        let done = 0;
        while (done < entry.size) {
          const { bytesRead } = await input.read(buffer, 0, Math.min(CHUNK, entry.size - done), done);
          if (bytesRead === 0) throw new Error(`${entry.path} shrank while it was exported.`);
          hash.update(buffer.subarray(0, bytesRead));
          await writeAll(out, buffer.subarray(0, bytesRead));
          done += bytesRead;
        }
      } finally {
        await input.close();
      }
      if (entry.digest && `sha256:${hash.digest('hex')}` !== entry.digest) throw new Error(`Blob ${entry.digest} does not match its digest; the layout is damaged.`);
      await writeAll(out, ZERO_BLOCK.subarray(0, padded(entry.size) - entry.size));
      bytes += padded(entry.size);
    }
    await writeAll(out, Buffer.alloc(2 * BLOCK));
    bytes += 2 * BLOCK;
  });
  return { bytes };
}

// --- import ---------------------------------------------------------------------------------------------------

interface Header {
  name: string;
  type: string;
  size: number;
}

/** Strict octal: digits from the first byte, then only NUL or space; anything else is refused rather than guessed at. */
function parseOctal(block: Buffer, offset: number, length: number, field: string, name: string | undefined, allowEmpty = false): number {
  const end = offset + length;
  let i = offset;
  let value = 0;
  while (i < end && block[i]! >= 0x30 && block[i]! <= 0x37) value = value * 8 + (block[i++]! - 0x30);
  if (i === offset && !(allowEmpty && block.subarray(offset, end).every((b) => b === 0))) {
    throw new TarImportError('bad-number', name, `the ${field} field is not a zero-padded octal number`);
  }
  for (; i < end; i++) {
    if (block[i] !== 0 && block[i] !== 0x20) throw new TarImportError('bad-number', name, `the ${field} field is not a zero-padded octal number`);
  }
  return value;
}

/** A C string field: a NUL followed by more text would let two readers see two different names. */
function cString(block: Buffer, offset: number, length: number): { text: string; smuggled: boolean } {
  const field = block.subarray(offset, offset + length);
  const nul = field.indexOf(0);
  if (nul === -1) return { text: field.toString('latin1'), smuggled: false };
  return { text: field.subarray(0, nul).toString('latin1'), smuggled: field.subarray(nul).some((b) => b !== 0) };
}

function parseHeader(block: Buffer): Header {
  const rawName = cString(block, 0, 100);
  const posix = block.toString('latin1', 257, 263) === 'ustar\0' && block.toString('latin1', 263, 265) === '00';
  const gnu = block.toString('latin1', 257, 265) === 'ustar  \0';
  // GNU tar keeps other data where POSIX has the prefix, so the prefix only counts in POSIX headers.
  const prefix = posix ? cString(block, 345, 155) : { text: '', smuggled: false };
  const name = prefix.text ? `${prefix.text}/${rawName.text}` : rawName.text;
  if (!posix && !gnu) throw new TarImportError('bad-header', name || undefined, 'not a ustar header');
  const stored = parseOctal(block, 148, 8, 'checksum', name);
  if (stored !== checksumOf(block)) throw new TarImportError('bad-checksum', name, 'the header checksum is wrong');
  if (rawName.smuggled || prefix.smuggled) throw new TarImportError('unsafe-path', name, 'the name contains a NUL byte');
  for (const [offset, length, field] of [
    [100, 8, 'mode'],
    [108, 8, 'uid'],
    [116, 8, 'gid'],
    [136, 12, 'mtime'],
  ] as const) {
    parseOctal(block, offset, length, field, name);
  }
  parseOctal(block, 329, 8, 'devmajor', name, true);
  parseOctal(block, 337, 8, 'devminor', name, true);
  const typeByte = block[156]!;
  return { name, type: typeByte === 0 ? '0' : String.fromCharCode(typeByte), size: parseOctal(block, 124, 12, 'size', name) };
}

function refuseType(header: Header): void {
  const refusal: [TarImportReason, string] | undefined = (
    {
      '1': ['link', 'hard links are not allowed'],
      '2': ['link', 'symbolic links are not allowed'],
      '3': ['device', 'character devices are not allowed'],
      '4': ['device', 'block devices are not allowed'],
      '6': ['fifo', 'FIFOs are not allowed'],
      x: ['pax', 'pax extended headers are not allowed'],
      g: ['pax', 'pax global headers are not allowed'],
      L: ['gnu-extension', 'GNU long names are not allowed'],
      K: ['gnu-extension', 'GNU long link names are not allowed'],
      S: ['gnu-extension', 'GNU sparse files are not allowed'],
      D: ['gnu-extension', 'GNU directory dumps are not allowed'],
      M: ['gnu-extension', 'GNU multi-volume entries are not allowed'],
      N: ['gnu-extension', 'GNU old long names are not allowed'],
      V: ['gnu-extension', 'GNU volume headers are not allowed'],
    } as Record<string, [TarImportReason, string]>
  )[header.type];
  if (refusal) throw new TarImportError(refusal[0], header.name, refusal[1]);
  if (header.type !== '0' && header.type !== '5') throw new TarImportError('unsupported-type', header.name, `entry type ${JSON.stringify(header.type)} is not supported`);
}

function checkPath(name: string): string {
  if (name === '') throw new TarImportError('bad-header', undefined, 'an entry has an empty name');
  if (name.includes('\\')) throw new TarImportError('unsafe-path', name, 'backslashes are not allowed in names');
  if (name.startsWith('/')) throw new TarImportError('unsafe-path', name, 'absolute paths are not allowed');
  if (name.split('/').includes('..')) throw new TarImportError('unsafe-path', name, '".." segments are not allowed');
  // A directory may be written with or without its trailing slash; both are the same entry.
  return name.endsWith('/') ? name.slice(0, -1) : name;
}

interface Limits {
  maxEntryBytes: number;
  maxTotalBytes: number;
  maxEntries: number;
  maxJsonBytes: number;
}

class ArchiveReader {
  private offset = 0;
  private readonly buffer = Buffer.allocUnsafe(CHUNK);

  constructor(
    private readonly input: FileHandle,
    private readonly fileSize: number,
  ) {}

  get remaining(): number {
    return this.fileSize - this.offset;
  }

  async block(): Promise<Buffer | undefined> {
    if (this.remaining < BLOCK) return undefined;
    const block = Buffer.alloc(BLOCK);
    await this.readExactly(block, BLOCK);
    return block;
  }

  /** Hands the entry's bytes to `sink` chunk by chunk, then skips the padding; memory stays at one chunk. */
  async content(size: number, name: string, sink: (chunk: Buffer) => Promise<void>): Promise<void> {
    let left = size;
    while (left > 0) {
      const n = Math.min(CHUNK, left);
      await this.readExactly(this.buffer, n, name);
      await sink(this.buffer.subarray(0, n));
      left -= n;
    }
    this.offset += padded(size) - size;
  }

  private async readExactly(into: Buffer, length: number, name?: string): Promise<void> {
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.input.read(into, done, length - done, this.offset + done);
      if (bytesRead === 0) throw new TarImportError('truncated', name, 'the archive ends in the middle of an entry');
      done += bytesRead;
    }
    this.offset += length;
  }
}

async function writeNew(path: string): Promise<FileHandle> {
  return open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
}

async function freeBytes(dir: string): Promise<number> {
  const stats = await statfs(dir);
  return stats.bavail * stats.bsize;
}

async function readEntries(reader: ArchiveReader, staging: string, limits: Limits): Promise<Set<string>> {
  const seen = new Set<string>();
  let total = 0;
  for (;;) {
    const block = await reader.block();
    if (!block) throw new TarImportError('truncated', undefined, 'the archive ends without its end-of-archive marker');
    if (block.equals(ZERO_BLOCK)) {
      // The end marker is two zero blocks; a lone one at the very end is tolerated, as GNU tar does.
      const next = await reader.block();
      if (next && !next.equals(ZERO_BLOCK)) throw new TarImportError('bad-header', undefined, 'a zero block is followed by more data');
      return seen;
    }
    const header = parseHeader(block);
    if (seen.size + 1 > limits.maxEntries) throw new TarImportError('too-many-entries', header.name, `the archive has more than ${limits.maxEntries} entries`);
    refuseType(header);
    const name = checkPath(header.name);
    const entry = layoutEntry(name);
    if (!entry) throw new TarImportError('not-in-layout', header.name, 'only oci-layout, index.json and blobs/sha256/<digest> belong in an OCI layout');
    if ((entry.kind === 'dir') !== (header.type === '5')) throw new TarImportError('bad-header', header.name, entry.kind === 'dir' ? 'must be a directory' : 'must be a regular file');
    if (seen.has(name)) throw new TarImportError('duplicate', header.name, 'the archive holds this name twice');
    seen.add(name);
    // The declared size is checked against the limits and against what the file really holds before a byte is written.
    const size = header.size;
    if (entry.kind === 'dir' && size !== 0) throw new TarImportError('bad-header', header.name, 'a directory entry declares content');
    if (size > limits.maxEntryBytes) throw new TarImportError('too-large', header.name, `declares ${size} bytes, over the limit of ${limits.maxEntryBytes}`);
    if (total + size > limits.maxTotalBytes) throw new TarImportError('too-large', header.name, `the archive declares more than the limit of ${limits.maxTotalBytes} bytes in all`);
    if (padded(size) > reader.remaining) throw new TarImportError('truncated', header.name, `declares ${size} bytes but only ${reader.remaining} remain in the file`);
    total += size;
    const path = join(staging, ...name.split('/'));
    if (entry.kind === 'dir') {
      await mkdir(path, { recursive: true });
    } else if (entry.kind === 'json') {
      await importJson(reader, header.name, name, size, path, limits.maxJsonBytes);
    } else {
      await importBlob(reader, header.name, entry.digest, size, path, staging);
    }
  }
}

async function importJson(reader: ArchiveReader, entryName: string, name: string, size: number, path: string, maxJsonBytes: number): Promise<void> {
  if (size > maxJsonBytes) throw new TarImportError('too-large', entryName, `declares ${size} bytes, over the limit of ${maxJsonBytes} for JSON`);
  const bytes = Buffer.alloc(size);
  let at = 0;
  await reader.content(size, entryName, async (chunk) => {
    chunk.copy(bytes, at);
    at += chunk.length;
  });
  try {
    const json = parseJsonLimited(bytes.toString('utf8'), { maxBytes: maxJsonBytes, maxDepth: INDEX_LIMITS.maxDepth });
    if (name === INDEX_FILE) parseIndex(json);
    else if ((json as { imageLayoutVersion?: unknown } | null)?.imageLayoutVersion !== LAYOUT_VERSION) {
      throw new OciFormatError('imageLayoutVersion', `must be "${LAYOUT_VERSION}"`);
    }
  } catch (error) {
    if (error instanceof JsonLimitError || error instanceof OciFormatError) {
      throw new TarImportError(error instanceof JsonLimitError && error.reason === 'too-large' ? 'too-large' : 'bad-json', entryName, error.message);
    }
    throw error;
  }
  const out = await writeNew(path);
  try {
    await writeAll(out, bytes);
    await out.sync();
  } finally {
    await out.close();
  }
}

async function importBlob(reader: ArchiveReader, entryName: string, digest: string, size: number, path: string, staging: string): Promise<void> {
  // A sparse archive can declare more than the disk holds; better to say so now than to fill the disk and fail later.
  if (size > (await freeBytes(staging))) throw new TarImportError('too-large', entryName, `needs ${size} bytes but the disk has less free`);
  await mkdir(dirname(path), { recursive: true });
  const hash = createHash('sha256');
  const out = await writeNew(path);
  try {
    await reader.content(size, entryName, async (chunk) => {
      hash.update(chunk);
      await writeAll(out, chunk);
    });
    await out.sync();
  } finally {
    await out.close();
  }
  if (`sha256:${hash.digest('hex')}` !== digest) throw new TarImportError('digest-mismatch', entryName, 'the content does not hash to the name');
}

async function checkImported(staging: string, seen: Set<string>): Promise<void> {
  for (const required of [LAYOUT_FILE, INDEX_FILE]) {
    if (!seen.has(required)) throw new TarImportError('incomplete-layout', required, 'the archive lacks this file');
  }
  mkdirSync(join(staging, 'blobs', 'sha256'), { recursive: true });
  try {
    await checkComplete(await OciLayout.open(staging));
  } catch (error) {
    if (error instanceof TarImportError) throw error;
    const reason = error instanceof JsonLimitError || error instanceof OciFormatError ? 'bad-json' : 'incomplete-layout';
    throw new TarImportError(reason, undefined, error instanceof Error ? error.message : String(error));
  }
}

/**
 * Reads a layout archive into a private staging folder beside targetDir and renames it into place only once every
 * entry, hash and JSON file checked out; any refusal removes the staging folder and leaves targetDir as it was.
 */
export async function importLayoutTar(file: string, targetDir: string, limits: TarImportLimits = {}): Promise<void> {
  const effective: Limits = {
    maxEntryBytes: Math.min(limits.maxEntryBytes ?? 64 * GIB, MAX_ENTRY_BYTES),
    maxTotalBytes: limits.maxTotalBytes ?? Number.MAX_SAFE_INTEGER,
    maxEntries: limits.maxEntries ?? 100_000,
    maxJsonBytes: limits.maxJsonBytes ?? 1 << 20,
  };
  const target = resolve(targetDir);
  const existing = await lstat(target).catch(() => undefined);
  if (existing && (!existing.isDirectory() || readdirSync(target).length > 0)) {
    throw new TarImportError('target-exists', undefined, `will not import over an existing folder (${target})`);
  }
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const input = await open(file, constants.O_RDONLY);
  try {
    const stat = await input.stat();
    if (!stat.isFile()) throw new TarImportError('bad-header', undefined, `${file} is not a regular file`);
    const staging = join(parent, `.${basename(target)}.import-${randomBytes(6).toString('hex')}`);
    await mkdir(staging, { mode: 0o700 });
    try {
      const seen = await readEntries(new ArchiveReader(input, stat.size), staging, effective);
      await checkImported(staging, seen);
      fsyncDirectory(join(staging, 'blobs', 'sha256'));
      fsyncDirectory(join(staging, 'blobs'));
      fsyncDirectory(staging);
      renameSync(staging, target);
    } catch (error) {
      // rm never follows symlinks, and the staging folder holds none anyway: every name in it was whitelisted.
      rmSync(staging, { recursive: true, force: true });
      throw error;
    }
    fsyncDirectory(parent);
  } finally {
    await input.close();
  }
}
