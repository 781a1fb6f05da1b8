// The Compose screen's outputs and verify drop zone, without a browser: durations and hashes for people, which dropped files are verified, and the slices sent in order.
import { describe, expect, it } from 'vitest';
import type { LikenessClient } from '../../../main/contract/bridge.js';
import type { VerifyVerdict } from '../../../main/contract/compose.js';
import { formatDuration, ruleLabel, shortHash } from '../../../renderer/screens/compose/format.js';
import { MAX_SIDECAR_BYTES, pickVerifyFiles, sendForVerify } from '../../../renderer/screens/compose/verify-upload.js';

const verdict: VerifyVerdict = { verdict: 'partial', strength: 'consistency, not identity', checks: [], receiptId: null, twin: null };

describe('compose outputs and verifying', () => {
  it('formats durations, hashes and rule names', () => {
    expect(formatDuration(41.6)).toBe('42 s');
    expect(formatDuration(185)).toBe('3:05');
    expect(formatDuration(3729)).toBe('1:02:09');
    expect(shortHash(`0x${'ab'.repeat(32)}`)).toBe('0xabababab…ababab');
    expect(shortHash('owner')).toBe('owner');
    expect(ruleLabel('licence-renders')).toBe('Licence renders');
    expect(ruleLabel('something-new')).toBe('something-new');
  });

  it('verifies one video with its .c2pa sidecar, names what it left out, and refuses what cannot be verified', () => {
    const video = { name: 'clip.webm', size: 10 };
    const sidecar = { name: 'clip.webm.C2PA', size: 5 };
    const other = { name: 'other.mp4', size: 3 };
    expect(pickVerifyFiles([sidecar, video, other])).toEqual({ video, sidecar, ignored: [other] });
    expect(pickVerifyFiles([video])).toEqual({ video, sidecar: undefined, ignored: [] });
    expect(pickVerifyFiles([sidecar])).toEqual({ problem: expect.stringMatching(/drop the video together/) });
    expect(pickVerifyFiles([])).toEqual({ problem: expect.stringMatching(/Drop a video/) });
    expect(pickVerifyFiles([{ name: 'empty.mp4', size: 0 }])).toEqual({ problem: 'empty.mp4 is empty.' });
    expect(pickVerifyFiles([video, { name: 'big.c2pa', size: MAX_SIDECAR_BYTES + 1 }])).toEqual({ problem: expect.stringMatching(/larger than a C2PA manifest/) });
  });

  it('sends the file in 512 KiB slices, in order, each under the contract cap once base64-encoded, then the sidecar with finish', async () => {
    const calls: { name: string; input: Record<string, unknown> }[] = [];
    const client = {
      transport: 'loopback',
      on: () => () => undefined,
      call: (name: string, input: Record<string, unknown>) => {
        calls.push({ name, input });
        if (name === 'compose.verify.start') return Promise.resolve({ id: 'verify_1' });
        if (name === 'compose.verify.chunk') return Promise.resolve({ bytes: 0 });
        return Promise.resolve(verdict);
      },
    } as unknown as LikenessClient;
    const size = 512 * 1024 * 2 + 100;
    const video = new File([new Uint8Array(size).fill(7)], 'clip.mp4');
    const sidecar = new File([new Uint8Array([1, 2, 3])], 'clip.mp4.c2pa');
    const sent: number[] = [];
    await expect(sendForVerify(client, video, sidecar, (bytes) => sent.push(bytes))).resolves.toEqual(verdict);
    expect(calls[0]).toEqual({ name: 'compose.verify.start', input: { fileName: 'clip.mp4', size } });
    const chunks = calls.filter((c) => c.name === 'compose.verify.chunk');
    expect(chunks.map((c) => c.input.seq)).toEqual([0, 1, 2]);
    expect(chunks.every((c) => typeof c.input.data === 'string' && c.input.data.length <= 700_000)).toBe(true);
    expect(sent).toEqual([512 * 1024, 1024 * 1024, size]);
    expect(calls.at(-1)).toEqual({ name: 'compose.verify.finish', input: { id: 'verify_1', sidecar: 'AQID' } });
  });
});
