// Library maintenance jobs: re-hash every blob (resumable) and collect unreferenced ones; main process.
import type { JobRunner } from '../jobs/manager.js';
import type { BlobStore } from './blobs.js';

interface VerifyCheckpoint {
  index: number;
  damaged: string[];
}

function isVerifyCheckpoint(value: unknown): value is VerifyCheckpoint {
  return typeof value === 'object' && value !== null && 'index' in value && typeof value.index === 'number' && 'damaged' in value && Array.isArray(value.damaged);
}

export function verifyLibraryJob(blobs: BlobStore): JobRunner {
  return {
    title: 'Verify library',
    async run(context) {
      const digests = blobs.list();
      const start = isVerifyCheckpoint(context.checkpoint) ? context.checkpoint : { index: 0, damaged: [] };
      const damaged = [...start.damaged];
      for (let index = start.index; index < digests.length; index++) {
        context.signal.throwIfAborted();
        const digest = digests[index]!;
        if (!(await blobs.verify(digest, context.signal))) damaged.push(digest);
        context.saveCheckpoint({ index: index + 1, damaged } satisfies VerifyCheckpoint);
        context.report(index + 1, digests.length, `Checked ${index + 1} of ${digests.length} files`);
      }
      return { checked: digests.length, damaged: damaged.length, damagedDigests: damaged.join(' ') };
    },
  };
}

export function collectGarbageJob(blobs: BlobStore): JobRunner {
  return {
    title: 'Free unused space',
    async run(context) {
      context.report(0, 1, 'Looking for files nothing uses');
      const result = blobs.gc();
      context.report(1, 1, `Removed ${result.removedBlobs} files`);
      return { ...result };
    },
  };
}
