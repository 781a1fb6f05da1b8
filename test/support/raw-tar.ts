// A hand-written ustar writer for tests, independent of the code under test, able to write what no honest tar would; test process.


export interface RawEntry {
  name: string;
  type?: string;
  content?: Buffer;
  /** Declared size when it should differ from the content. */
  size?: number;
  linkname?: string;
  prefix?: string;
  /** Overrides of raw header bytes, applied before the checksum unless `badChecksum`. */
  patch?: (header: Buffer) => void;
  badChecksum?: boolean;
  /** Raw name bytes, for names no string can carry. */
  nameBytes?: Buffer;
}

function octal(header: Buffer, offset: number, length: number, value: number): void {
  const digits = value.toString(8);
  header.write(digits.length < length ? `${digits.padStart(length - 1, '0')}\0` : digits, offset, length, 'ascii');
}

export function rawHeader(entry: RawEntry): Buffer {
  const header = Buffer.alloc(512);
  if (entry.nameBytes) entry.nameBytes.copy(header, 0);
  else header.write(entry.name, 0, 100, 'latin1');
  const type = entry.type ?? '0';
  octal(header, 100, 8, type === '5' ? 0o755 : 0o644);
  octal(header, 108, 8, 0);
  octal(header, 116, 8, 0);
  octal(header, 124, 12, entry.size ?? entry.content?.length ?? 0);
  octal(header, 136, 12, 0);
  header.write(type, 156, 1, 'latin1');
  if (entry.linkname) header.write(entry.linkname, 157, 100, 'latin1');
  header.write('ustar\0', 257, 6, 'latin1');
  header.write('00', 263, 2, 'latin1');
  octal(header, 329, 8, 0);
  octal(header, 337, 8, 0);
  if (entry.prefix) header.write(entry.prefix, 345, 155, 'latin1');
  entry.patch?.(header);
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${(entry.badChecksum ? sum + 1 : sum).toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return header;
}

export function rawTar(entries: RawEntry[], end = true): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    parts.push(rawHeader(entry));
    const content = entry.content ?? Buffer.alloc(0);
    parts.push(content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  if (end) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
