// Store benchmark: blob write and read throughput for one 256 MB blob (write includes hashing and fsync).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStudio } from '../main/core/studio.js';
import { type Benchmark, round } from './harness.js';

const SIZE = 256 * 1024 * 1024;

export const storeBenchmark: Benchmark = {
  name: 'store',
  description: 'content-addressed blob store, one 256 MB blob (write: hash + temp file + fsync + rename; read: streamed)',
  units: { blobPutMBps: 'MB/s', blobGetMBps: 'MB/s' },
  async run() {
    const home = mkdtempSync(join(tmpdir(), 'likeness-bench-store-'));
    const studio = openStudio(home);
    try {
      const data = randomBytes(SIZE);
      const t0 = performance.now();
      const info = await studio.blobs.put(data, { mediaType: 'application/octet-stream', owner: 'bench' });
      const putSeconds = (performance.now() - t0) / 1000;
      const t1 = performance.now();
      let read = 0;
      for await (const chunk of studio.blobs.openRead(info.digest)) read += (chunk as Buffer).length;
      const getSeconds = (performance.now() - t1) / 1000;
      if (read !== SIZE) throw new Error(`read ${read} bytes, expected ${SIZE}`);
      const mb = SIZE / 1e6;
      return { blobPutMBps: round(mb / putSeconds, 1), blobGetMBps: round(mb / getSeconds, 1) };
    } finally {
      await studio.close();
      rmSync(home, { recursive: true, force: true });
    }
  },
};
