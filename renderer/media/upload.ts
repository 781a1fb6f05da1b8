// Streams bytes to the studio in numbered chunks (recordings as they are made, dropped files slice by slice); renderer.
import type { LikenessClient } from '../../main/contract/bridge.js';
import type { CallInput, Take } from '../../main/contract/index.js';

/** Under the loopback server's 1 MiB body cap once base64-encoded. */
export const SLICE_BYTES = 512 * 1024;

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Sends chunks strictly in order, one at a time, so the studio appends them in sequence. */
export class ChunkedUpload {
  private seq = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private failure: Error | undefined;

  private constructor(
    private readonly client: LikenessClient,
    readonly id: string,
  ) {}

  static async start(client: LikenessClient, meta: CallInput<'capture.record.start'>): Promise<ChunkedUpload> {
    const { id } = await client.call('capture.record.start', meta);
    return new ChunkedUpload(client, id);
  }

  push(data: Blob | Uint8Array): Promise<unknown> {
    this.chain = this.chain.then(async () => {
      if (this.failure) return;
      const bytes = data instanceof Uint8Array ? data : new Uint8Array(await data.arrayBuffer());
      for (let offset = 0; offset < bytes.length; offset += SLICE_BYTES) {
        try {
          await this.client.call('capture.record.chunk', { id: this.id, seq: this.seq, data: toBase64(bytes.subarray(offset, offset + SLICE_BYTES)) });
          this.seq++;
        } catch (error) {
          this.failure = error instanceof Error ? error : new Error(String(error));
          return;
        }
      }
    });
    return this.chain;
  }

  /** Waits until every chunk is stored; the recording is then ready for whichever call finishes it. */
  async flushed(): Promise<string> {
    await this.chain;
    if (this.failure) {
      await this.client.call('capture.record.discard', { id: this.id }).catch(() => undefined);
      throw this.failure;
    }
    return this.id;
  }

  async finish(): Promise<{ takes: Take[]; notes: string[] }> {
    return this.client.call('capture.record.finish', { id: await this.flushed() });
  }

  async discard(): Promise<void> {
    await this.chain;
    await this.client.call('capture.record.discard', { id: this.id });
  }
}
