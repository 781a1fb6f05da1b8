// The live level (dBFS) of a stream's audio with a held clipping light, for any meter; renderer.
import { type RefObject, useEffect, useRef, useState } from 'react';

const CLIP_HOLD_MS = 1000;

export interface StreamLevel {
  levelDb: number;
  clipping: boolean;
}

/** Measures the stream's audio every animation frame; `listeners` also get each frame's mean power. The caller owns the stream's tracks. */
export function useStreamLevel(stream: MediaStream | undefined, listeners?: RefObject<Set<(power: number) => void>>): StreamLevel {
  const [levelDb, setLevelDb] = useState(-Infinity);
  const [clipping, setClipping] = useState(false);
  const clipUntil = useRef(0);

  useEffect(() => {
    if (!stream || stream.getAudioTracks().length === 0) return;
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
      for (const listener of listeners?.current ?? []) listener(power);
      frame = requestAnimationFrame(tick);
    };
    tick();
    return () => {
      cancelAnimationFrame(frame);
      void context.close();
      setLevelDb(-Infinity);
    };
  }, [stream, listeners]);

  return { levelDb, clipping };
}
