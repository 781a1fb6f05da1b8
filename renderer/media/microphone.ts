// The microphone as a shared stream with a live level (dBFS) and a held clipping light; renderer.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useStreamLevel } from './level.js';

export interface Microphone {
  stream: MediaStream | undefined;
  levelDb: number;
  clipping: boolean;
  error: Error | undefined;
  start(): void;
  stop(): void;
  /** Mean level over the next `seconds`, for the room-tone measurement. */
  measure(seconds: number): Promise<number>;
}

export function useMicrophone(): Microphone {
  const [stream, setStream] = useState<MediaStream>();
  const [error, setError] = useState<Error>();
  const listeners = useRef(new Set<(power: number) => void>());

  const start = useCallback(() => {
    setError(undefined);
    navigator.mediaDevices
      .getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: 1 } })
      .then(setStream, (e: unknown) => setError(new Error(`The microphone is not available: ${e instanceof Error ? e.message : String(e)}`)));
  }, []);

  const stop = useCallback(() => setStream(undefined), []);

  const level = useStreamLevel(stream, listeners);

  useEffect(() => {
    if (!stream) return;
    return () => stream.getTracks().forEach((t) => t.stop());
  }, [stream]);

  const measure = useCallback(
    (seconds: number) =>
      new Promise<number>((resolve) => {
        const powers: number[] = [];
        const listener = (power: number) => powers.push(power);
        listeners.current.add(listener);
        setTimeout(() => {
          listeners.current.delete(listener);
          const mean = powers.reduce((a, b) => a + b, 0) / Math.max(1, powers.length);
          resolve(10 * Math.log10(mean + 1e-12));
        }, seconds * 1000);
      }),
    [],
  );

  return { stream, levelDb: level.levelDb, clipping: level.clipping, error, start, stop, measure };
}
