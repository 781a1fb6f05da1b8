// The contract's compose calls over the studio core: projects, checks, renders, outputs for the player, and verifying dropped files in slices; main process.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ComposeRenderOptions } from '../contract/compose.js';
import { LikenessError } from '../contract/errors.js';
import { planRender } from '../core/compose/render-job.js';
import { verifyFile } from '../core/compose/verify.js';
import type { Studio } from '../core/studio.js';
import type { Handlers } from './dispatch.js';

type ComposeCalls =
  | 'compose.projects'
  | 'compose.create'
  | 'compose.save'
  | 'compose.remove'
  | 'compose.check'
  | 'compose.render'
  | 'compose.outputs'
  | 'compose.media'
  | 'compose.verify.start'
  | 'compose.verify.chunk'
  | 'compose.verify.finish'
  | 'compose.verifyFile';

interface Upload {
  path: string;
  size: number;
  written: number;
  next: number;
}

const MEDIA_TYPES = { mp4: 'video/mp4', webm: 'video/webm', m4a: 'audio/mp4' } as const;

export function composeHandlers(studio: Studio, maxPlayerBytes: number): Pick<Handlers, ComposeCalls> {
  const uploads = new Map<string, Upload>();
  const upload = (id: string): Upload => {
    const found = uploads.get(id);
    if (!found) throw new LikenessError('not-found', `No file ${id} is being sent for verifying; start again.`);
    return found;
  };
  const check = async (options: ComposeRenderOptions) => {
    try {
      const plan = await planRender(studio.composition, options);
      return { allowed: true, refusals: [], languages: plan.languages, audioOnly: plan.audioOnly };
    } catch (error) {
      if (error instanceof LikenessError && error.code === 'forbidden' && error.issues) return { allowed: false, refusals: error.issues, languages: [], audioOnly: false };
      throw error;
    }
  };
  return {
    'compose.projects': () => studio.projects.list(),
    'compose.create': ({ script }) => studio.projects.create(script),
    'compose.save': ({ id, script }) => studio.projects.save(id, script),
    'compose.remove': ({ id }) => {
      studio.projects.remove(id);
      return { id };
    },
    'compose.check': check,
    'compose.render': async (options) => {
      await planRender(studio.composition, options);
      return studio.jobs.start('compose.render', options);
    },
    'compose.outputs': ({ project }) => studio.projects.outputs(project === undefined ? {} : { project }),
    'compose.media': ({ id }) => {
      const output = studio.projects.output(id);
      if (!output) throw new LikenessError('not-found', `No output ${id} in this studio.`);
      if (statSync(output.path).size > maxPlayerBytes) throw new LikenessError('payload-too-large', `This video is too long for the preview; open ${output.path} in a player.`);
      return { mediaType: MEDIA_TYPES[output.format], data: readFileSync(output.path).toString('base64') };
    },
    'compose.verify.start': ({ fileName, size }) => {
      const id = `verify_${randomBytes(6).toString('hex')}`;
      const ext = fileName.toLowerCase().endsWith('.webm') ? 'webm' : fileName.toLowerCase().endsWith('.m4a') ? 'm4a' : 'mp4';
      const path = join(studio.tmpDir, `${id}.${ext}`);
      closeSync(openSync(path, 'w', 0o600));
      uploads.set(id, { path, size, written: 0, next: 0 });
      return { id };
    },
    'compose.verify.chunk': ({ id, seq, data }) => {
      const u = upload(id);
      if (seq !== u.next) throw new LikenessError('invalid-input', `Slice ${seq} arrived, ${u.next} was expected; send the file again.`);
      const bytes = Buffer.from(data, 'base64');
      if (u.written + bytes.length > u.size) throw new LikenessError('payload-too-large', `The file is larger than the ${u.size} bytes announced.`);
      const fd = openSync(u.path, 'a');
      try {
        writeSync(fd, bytes);
      } finally {
        closeSync(fd);
      }
      u.written += bytes.length;
      u.next++;
      return { bytes: u.written };
    },
    'compose.verify.finish': async ({ id, sidecar }) => {
      const u = upload(id);
      uploads.delete(id);
      const sidecarPath = sidecar === undefined ? undefined : `${u.path}.c2pa`;
      try {
        if (u.written !== u.size) throw new LikenessError('invalid-input', `Only ${u.written} of ${u.size} bytes arrived; send the file again.`);
        if (sidecarPath) writeSidecar(sidecarPath, sidecar!);
        return await verifyFile(studio, u.path, sidecarPath);
      } finally {
        rmSync(u.path, { force: true });
        if (sidecarPath) rmSync(sidecarPath, { force: true });
      }
    },
    'compose.verifyFile': ({ path }) => {
      if (!existsSync(path)) throw new LikenessError('not-found', `No file ${path}.`);
      return verifyFile(studio, path);
    },
  };
}

function writeSidecar(path: string, base64: string): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    writeSync(fd, Buffer.from(base64, 'base64'));
  } finally {
    closeSync(fd);
  }
}
