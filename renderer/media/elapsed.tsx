// Seconds since a recording started, for the on-screen timer; renderer.
import { useEffect, useState } from 'react';

export function useElapsed(running: boolean): number {
  const [elapsed, setElapsed] = useState(0);
  useEffect(() => {
    if (!running) return;
    const started = Date.now();
    const timer = setInterval(() => setElapsed(Math.floor((Date.now() - started) / 1000)), 250);
    return () => {
      clearInterval(timer);
      setElapsed(0);
    };
  }, [running]);
  return elapsed;
}

export function RecordingTimer({ seconds }: { seconds: number }) {
  return (
    <span role="timer" aria-live="off">
      Recording {Math.floor(seconds / 60)}:{String(seconds % 60).padStart(2, '0')}
    </span>
  );
}
