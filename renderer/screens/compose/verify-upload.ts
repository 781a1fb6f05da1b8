// Sends a dropped video (and its .c2pa sidecar, if dropped with it) to the studio for verifying: slice by slice, in order, then the verdict; renderer.
import type { LikenessClient } from '../../../main/contract/bridge.js';
import type { VerifyVerdict } from '../../../main/contract/compose.js';
import { SLICE_BYTES, toBase64 } from '../../media/upload.js';

/** The largest file compose.verify.start takes. */
const MAX_VERIFY_BYTES = 4 * 1024 ** 3;
/** The largest sidecar compose.verify.finish takes: 1,000,000 base64 characters. */
export const MAX_SIDECAR_BYTES = 750_000;

const isSidecar = (name: string) => name.toLowerCase().endsWith('.c2pa');

/**
 * The video to verify and its sidecar among the files dropped together, or why they cannot be verified. Files beyond
 * one of each are named so the creator knows they were left out.
 */
export function pickVerifyFiles<T extends { name: string; size: number }>(files: readonly T[]): { video: T; sidecar: T | undefined; ignored: T[] } | { problem: string } {
  const videos = files.filter((f) => !isSidecar(f.name));
  const sidecars = files.filter((f) => isSidecar(f.name));
  const video = videos[0];
  const sidecar = sidecars[0];
  if (!video) return { problem: sidecar ? 'A .c2pa file is only the manifest: drop the video together with it.' : 'Drop a video (or an audio file) to verify.' };
  if (video.size === 0) return { problem: `${video.name} is empty.` };
  if (video.size > MAX_VERIFY_BYTES) return { problem: `${video.name} is larger than 4 GB; verify it with \`likeness verify\` instead.` };
  if (sidecar && sidecar.size > MAX_SIDECAR_BYTES) return { problem: `${sidecar.name} is larger than a C2PA manifest can be (${MAX_SIDECAR_BYTES} bytes).` };
  return { video, sidecar, ignored: [...videos.slice(1), ...sidecars.slice(1)] };
}

/** Streams the video in 512 KiB slices (under the loopback body cap once base64-encoded), reporting bytes sent. */
export async function sendForVerify(client: LikenessClient, video: File, sidecar: File | undefined, onSent: (bytes: number) => void): Promise<VerifyVerdict> {
  const { id } = await client.call('compose.verify.start', { fileName: video.name.slice(-255), size: video.size });
  let seq = 0;
  for (let offset = 0; offset < video.size; offset += SLICE_BYTES) {
    const bytes = new Uint8Array(await video.slice(offset, offset + SLICE_BYTES).arrayBuffer());
    await client.call('compose.verify.chunk', { id, seq, data: toBase64(bytes) });
    seq++;
    onSent(Math.min(video.size, offset + SLICE_BYTES));
  }
  const manifest = sidecar ? toBase64(new Uint8Array(await sidecar.arrayBuffer())) : undefined;
  return client.call('compose.verify.finish', manifest === undefined ? { id } : { id, sidecar: manifest });
}
