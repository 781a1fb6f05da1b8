// The webcam with live face tracking: frames go to the studio's tracker a few times a second, faces come back for the overlay; renderer.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { TrackedFace } from '../../main/contract/models.js';
import { useClient } from '../client.js';
import { toBase64 } from './upload.js';

const TRACK_WIDTH = 320;

export interface Camera {
  stream: MediaStream | undefined;
  videoRef: React.RefObject<HTMLVideoElement | null>;
  faces: TrackedFace[];
  /** Size of the frames the faces are measured in. */
  frame: { width: number; height: number } | undefined;
  error: Error | undefined;
  start(): void;
}

export function useCamera(): Camera {
  const client = useClient();
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const [stream, setStream] = useState<MediaStream>();
  const [faces, setFaces] = useState<TrackedFace[]>([]);
  const [frame, setFrame] = useState<{ width: number; height: number }>();
  const [error, setError] = useState<Error>();

  const start = useCallback(() => {
    setError(undefined);
    navigator.mediaDevices
      .getUserMedia({ video: { width: 640, height: 480, frameRate: 25 }, audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } })
      .then(setStream, (e: unknown) => setError(new Error(`The camera is not available: ${e instanceof Error ? e.message : String(e)}`)));
  }, []);

  useEffect(() => {
    const video = videoRef.current;
    if (!stream || !video) return;
    video.srcObject = stream;
    void video.play().catch(() => undefined);
    const canvas = document.createElement('canvas');
    let stopped = false;
    // One frame in flight at a time: the overlay follows as fast as the tracker answers, never queueing.
    const loop = async () => {
      while (!stopped) {
        if (video.videoWidth > 0) {
          canvas.width = TRACK_WIDTH;
          canvas.height = Math.round((video.videoHeight / video.videoWidth) * TRACK_WIDTH);
          canvas.getContext('2d')?.drawImage(video, 0, 0, canvas.width, canvas.height);
          const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.8));
          if (blob) {
            try {
              const result = await client.call('vision.track', { image: toBase64(new Uint8Array(await blob.arrayBuffer())) });
              if (!stopped) {
                setFaces(result.faces);
                setFrame({ width: result.width, height: result.height });
              }
            } catch (e) {
              if (!stopped) setError(e instanceof Error ? e : new Error(String(e)));
              await new Promise((r) => setTimeout(r, 1000));
            }
          }
        }
        await new Promise((r) => setTimeout(r, 60));
      }
    };
    void loop();
    return () => {
      stopped = true;
      stream.getTracks().forEach((t) => t.stop());
    };
  }, [stream, client]);

  return { stream, videoRef, faces, frame, error, start };
}
