// The microphone as a shared stream with a live level (dBFS) and a held clipping light; renderer.
import { useCallback, useEffect, useRef, useState } from 'react';

const CLIP_HOLD_MS = 1000;

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
  const [levelDb, setLevelDb] = useState(-Infinity);
  const [clipping, setClipping] = useState(false);
  const [error, setError] = useState<Error>();
  const clipUntil = useRef(0);
  const listeners = useRef(new Set<(power: number) => void>());

  const start = useCallback(() => {
    setError(undefined);
    navigator.mediaDevices
      .getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: 1 } })
      .then(setStream, (e: unknown) => setError(new Error(`The microphone is not available: ${e instanceof Error ? e.message : String(e)}`)));
  }, []);

  const stop = useCallback(() => setStream(undefined), []);

  useEffect(() => {
    if (!stream) return;
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 2048;
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let frame = 0;
    const tick = () => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      let peak = 0;
      for (const s of samples) {
        sum += s * s;
        peak = Math.max(peak, Math.abs(s));
      }
      const power = sum / samples.length;
      const now = performance.now();
      if (peak >= 0.999) clipUntil.current = now + CLIP_HOLD_MS;
      setLevelDb(10 * Math.log10(power + 1e-12));
      setClipping(now < clipUntil.current);
      for (const listener of listeners.current) listener(power);
      frame = requestAnimationFrame(tick);
    };
    tick();
    return () => {
      cancelAnimationFrame(frame);
      stream.getTracks().forEach((t) => t.stop());
      void context.close();
    };
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

  return { stream, levelDb, clipping, error, start, stop, measure };
}
