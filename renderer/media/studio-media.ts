// Blob URLs for the studio's own media (spoken audio, rendered video), fetched through the contract and revoked when no longer shown; renderer.
import { useEffect, useState } from 'react';
import { useClient } from '../client.js';

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** A WAV (voice.audio) or an MP4 (face.video) of the studio as a blob URL for an <audio> or <video> element. */
export function useStudioMedia(kind: 'audio' | 'video', digest: string | undefined): { url: string | undefined; error: Error | undefined } {
  const client = useClient();
  const [url, setUrl] = useState<string>();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    if (!digest) return;
    let made: string | undefined;
    let live = true;
    const fetched =
      kind === 'audio'
        ? client.call('voice.audio', { digest }).then(({ wav }) => new Blob([fromBase64(wav)], { type: 'audio/wav' }))
        : client.call('face.video', { digest }).then(({ mp4 }) => new Blob([fromBase64(mp4)], { type: 'video/mp4' }));
    fetched.then(
      (blob) => {
        if (!live) return;
        made = URL.createObjectURL(blob);
        setUrl(made);
      },
      (e: unknown) => live && setError(e instanceof Error ? e : new Error(String(e))),
    );
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
      setUrl(undefined);
    };
  }, [client, kind, digest]);
  return { url, error };
}
