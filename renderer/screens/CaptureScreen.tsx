// Capture screen: the microphone check with a live level meter; guided recording comes with the capture stage; renderer.
import { useEffect, useRef, useState } from 'react';
import { Button, EmptyState, ErrorBanner, LevelMeter } from '../design/index.js';
import { ScreenHeader } from './ScreenHeader.js';

const CLIP_HOLD_MS = 1000;

function useMicrophoneLevel(active: boolean): { levelDb: number; clipping: boolean; error: Error | undefined } {
  const [levelDb, setLevelDb] = useState(-Infinity);
  const [clipping, setClipping] = useState(false);
  const [error, setError] = useState<Error>();
  const clipUntil = useRef(0);
  useEffect(() => {
    if (!active) return;
    let frame = 0;
    let stream: MediaStream | undefined;
    let context: AudioContext | undefined;
    let stopped = false;
    navigator.mediaDevices
      .getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } })
      .then((media) => {
        if (stopped) return media.getTracks().forEach((t) => t.stop());
        stream = media;
        context = new AudioContext();
        const analyser = context.createAnalyser();
        analyser.fftSize = 2048;
        context.createMediaStreamSource(media).connect(analyser);
        const samples = new Float32Array(analyser.fftSize);
        const tick = () => {
          analyser.getFloatTimeDomainData(samples);
          let sum = 0;
          let peak = 0;
          for (const s of samples) {
            sum += s * s;
            peak = Math.max(peak, Math.abs(s));
          }
          const now = performance.now();
          if (peak >= 0.999) clipUntil.current = now + CLIP_HOLD_MS;
          setLevelDb(10 * Math.log10(sum / samples.length + 1e-12));
          setClipping(now < clipUntil.current);
          frame = requestAnimationFrame(tick);
        };
        tick();
      })
      .catch((e: unknown) => setError(new Error(`The microphone is not available: ${e instanceof Error ? e.message : String(e)}`)));
    return () => {
      stopped = true;
      cancelAnimationFrame(frame);
      stream?.getTracks().forEach((t) => t.stop());
      void context?.close();
    };
  }, [active]);
  return { levelDb, clipping, error };
}

export function CaptureScreen() {
  const [listening, setListening] = useState(false);
  const mic = useMicrophoneLevel(listening);
  return (
    <>
      <ScreenHeader title="Capture">Record your voice and face, or import recordings you already have. Everything stays on this computer.</ScreenHeader>
      <section className="panel stack" aria-labelledby="mic-check">
        <h2 id="mic-check">Microphone check</h2>
        <p className="lede">Speak at your normal volume: the bar should sit in the green and the light should stay dark.</p>
        {mic.error ? <ErrorBanner error={mic.error} onRetry={() => setListening(false)} /> : null}
        <LevelMeter levelDb={mic.levelDb} clipping={mic.clipping} label="Microphone level" />
        <div className="row">
          <Button variant={listening ? 'secondary' : 'primary'} onClick={() => setListening((v) => !v)}>
            {listening ? 'Stop listening' : 'Check microphone'}
          </Button>
        </div>
      </section>
      <EmptyState title="No takes yet">
        Guided recording from prompt scripts in several languages, file import and the consent take arrive with the capture stage. This build
        does not record takes yet.
      </EmptyState>
    </>
  );
}
