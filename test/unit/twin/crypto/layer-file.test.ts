// Stored layer files read through reused buffers: hashed as stored without a key, and a file that shrinks or vanishes mid-read.
import { createHash, randomBytes } from 'node:crypto';
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encryptFile, HEADER_BYTES } from '../../../../main/core/twin/crypto/chunked-gcm.js';
import { readLayerFile } from '../../../../main/core/twin/crypto/layer-file.js';
import { tempDir } from '../../../support/tmp.js';

const KEY = randomBytes(32);
const CHUNK = 1024;
const RECORD = CHUNK + 16;

async function sealedFile(size: number): Promise<string> {
  const dir = tempDir();
  writeFileSync(join(dir, 'part'), randomBytes(size));
  await encryptFile(join(dir, 'part'), join(dir, 'part.enc'), KEY, { chunkSize: CHUNK });
  return join(dir, 'part.enc');
}

describe('readLayerFile', () => {
  it.each([0, 1, 1024 * 1024, 3 * 1024 * 1024 + 5])('hands every stored byte of a %i-byte file to onStored without a key, and decrypts nothing', async (size) => {
    const path = join(tempDir(), 'blob');
    const data = randomBytes(size);
    writeFileSync(path, data);
    const hash = createHash('sha256');
    let plaintext = 0;
    const result = await readLayerFile(path, undefined, { onStored: (bytes) => hash.update(bytes), onPlaintext: () => void plaintext++ });
    expect(result).toBeUndefined();
    expect(hash.digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    expect(plaintext).toBe(0);
  });

  it('refuses an empty file and one holding only a header, as a stream would', async () => {
    const empty = join(tempDir(), 'empty');
    writeFileSync(empty, '');
    await expect(readLayerFile(empty, KEY, {})).rejects.toMatchObject({ reason: 'truncated', message: 'the encrypted data is empty' });
    const headerOnly = await sealedFile(10);
    truncateSync(headerOnly, HEADER_BYTES);
    await expect(readLayerFile(headerOnly, KEY, {})).rejects.toMatchObject({ reason: 'truncated', message: expect.stringContaining('right after its header') });
  });

  it('reports a file cut short while it is being read, and gives out no plaintext past what authenticated', async () => {
    const path = await sealedFile(10 * CHUNK);
    let records = 0;
    let plaintext = 0;
    const reading = readLayerFile(path, KEY, {
      onStored: () => {
        // After the header and the first chunk, the file is cut to those two: the read after the next one finds nothing.
        if (++records === 2) truncateSync(path, HEADER_BYTES + RECORD);
      },
      onPlaintext: (bytes) => void (plaintext += bytes.length),
    });
    await expect(reading).rejects.toMatchObject({ reason: 'truncated', message: expect.stringContaining('became shorter') });
    expect(plaintext).toBeLessThanOrEqual(2 * CHUNK);
  });

  it('fails with ENOENT for a missing file', async () => {
    await expect(readLayerFile(join(tempDir(), 'missing'), KEY, {})).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(readLayerFile(join(tempDir(), 'missing'), undefined, {})).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('stops at the first failure of its plaintext consumer and passes that error on', async () => {
    const path = await sealedFile(5 * CHUNK);
    let calls = 0;
    const reading = readLayerFile(path, KEY, {
      onPlaintext: async () => {
        calls++;
        throw new Error('disk full');
      },
    });
    await expect(reading).rejects.toThrow('disk full');
    expect(calls).toBe(1);
  });
});
