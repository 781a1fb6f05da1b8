// Voice tab: guided recording of prompts with live level, room tone, waveform, playback and re-take; Space records, arrows move; renderer.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Take } from '../../../main/contract/models.js';
import { useCall, useClient } from '../../client.js';
import { Button, ErrorBanner, LevelMeter, Waveform, peaksOf, useToast } from '../../design/index.js';
import { RecordingTimer, useElapsed } from '../../media/elapsed.js';
import { type Microphone, useMicrophone } from '../../media/microphone.js';
import { ChunkedUpload } from '../../media/upload.js';
import { LanguagePicker } from './LanguagePicker.js';
import { TakeList, TakeStatus, takeFigures } from './TakeList.js';

const NOISY_ROOM_DB = -45;

interface LastTake {
  take: Take | undefined;
  url: string;
  peaks: [number, number][];
  notes: string[];
}

function formatMinutes(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m > 0 ? `${m} min ${s} s` : `${s} s`;
}

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA');
}

function useTakeRecorder(mic: Microphone, onDone: (last: LastTake) => void, onError: (e: Error) => void) {
  const client = useClient();
  const [recording, setRecording] = useState(false);
  const [saving, setSaving] = useState(false);
  const elapsed = useElapsed(recording);
  const recorder = useRef<MediaRecorder | undefined>(undefined);
  const start = useCallback(
    async (language: string, promptId: string) => {
      if (!mic.stream) return;
      const upload = await ChunkedUpload.start(client, { kind: 'voice', language, promptId, purpose: 'take', fileName: 'take.webm' });
      const parts: Blob[] = [];
      const media = new MediaRecorder(mic.stream, { mimeType: 'audio/webm;codecs=opus', audioBitsPerSecond: 128_000 });
      media.ondataavailable = (event) => {
        if (event.data.size === 0) return;
        parts.push(event.data);
        void upload.push(event.data);
      };
      media.onstop = () => {
        setRecording(false);
        setSaving(true);
        const blob = new Blob(parts, { type: media.mimeType });
        const url = URL.createObjectURL(blob);
        const decoded = blob
          .arrayBuffer()
          .then((buffer) => new AudioContext().decodeAudioData(buffer))
          .then((audio) => peaksOf(audio.getChannelData(0), 600))
          .catch(() => [] as [number, number][]);
        Promise.all([upload.finish(), decoded])
          .then(([result, peaks]) => onDone({ take: result.takes[0], url, peaks, notes: result.notes }))
          .catch((e: unknown) => onError(e instanceof Error ? e : new Error(String(e))))
          .finally(() => setSaving(false));
      };
      // One chunk a second: a crash of the app loses at most the last second.
      media.start(1000);
      recorder.current = media;
      setRecording(true);
    },
    [client, mic.stream, onDone, onError],
  );
  const stop = useCallback(() => recorder.current?.state === 'recording' && recorder.current.stop(), []);
  return { recording, saving, elapsed, start, stop };
}

export function VoiceTab() {
  const client = useClient();
  const toast = useToast();
  const [language, setLanguage] = useState('en');
  const script = useCall('capture.prompts', { language });
  const takes = useCall('capture.takes', { kind: 'voice', language });
  const mic = useMicrophone();
  const [index, setIndex] = useState(0);
  const [roomTone, setRoomTone] = useState<number>();
  const [measuring, setMeasuring] = useState(false);
  const [last, setLast] = useState<LastTake>();
  const [error, setError] = useState<Error>();
  const prompts = script.data?.prompts ?? [];
  const prompt = prompts[Math.min(index, Math.max(0, prompts.length - 1))];
  const reload = useCallback(() => {
    script.reload();
    takes.reload();
  }, [script, takes]);
  const recorder = useTakeRecorder(
    mic,
    useCallback(
      (done: LastTake) => {
        setLast(done);
        reload();
        if (done.take) toast(`Take saved: ${done.take.status === 'pass' ? 'good' : done.take.reasons[0] ?? done.take.status}`, done.take.status === 'fail' ? 'error' : done.take.status === 'warn' ? 'info' : 'success');
      },
      [reload, toast],
    ),
    setError,
  );

  const toggle = useCallback(() => {
    if (recorder.saving || !prompt) return;
    if (recorder.recording) recorder.stop();
    else void recorder.start(language, prompt.id).catch((e: unknown) => setError(e instanceof Error ? e : new Error(String(e))));
  }, [recorder, prompt, language]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isTyping(event.target) || event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === ' ' && mic.stream) {
        event.preventDefault();
        toggle();
      } else if ((event.key === 'ArrowRight' || event.key === 'ArrowLeft') && !recorder.recording) {
        event.preventDefault();
        setIndex((i) => Math.max(0, Math.min(prompts.length - 1, i + (event.key === 'ArrowRight' ? 1 : -1))));
        setLast(undefined);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [toggle, mic.stream, recorder.recording, prompts.length]);

  const measureRoom = () => {
    setMeasuring(true);
    void mic.measure(3).then((db) => {
      setRoomTone(db);
      setMeasuring(false);
    });
  };
  const taken = takes.data?.find((t) => t.promptId === prompt?.id);

  return (
    <div className="stack">
      {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
      {mic.error ? <ErrorBanner error={mic.error} onRetry={mic.start} /> : null}
      <div className="row">
        <LanguagePicker languages={script.data?.languages} value={language} onChange={(tag) => (setLanguage(tag), setIndex(0), setLast(undefined))} />
        {script.data ? (
          <p className="lede" aria-live="polite">
            {script.data.recordedPrompts} of {script.data.prompts.length} prompts, {formatMinutes(script.data.speechSeconds)} of speech
          </p>
        ) : null}
      </div>
      <section className="panel stack" aria-labelledby="room">
        <h2 id="room">Microphone and room</h2>
        {!mic.stream ? (
          <div className="row">
            <Button variant="primary" onClick={mic.start}>
              Use microphone
            </Button>
            <span className="lede">Nothing is recorded until you press Record.</span>
          </div>
        ) : (
          <>
            <LevelMeter levelDb={mic.levelDb} clipping={mic.clipping} label="Microphone level" />
            <div className="row">
              <Button onClick={measureRoom} busy={measuring} disabled={recorder.recording}>
                Measure room tone
              </Button>
              <span aria-live="polite">
                {roomTone === undefined
                  ? 'Before the first take, stay silent for 3 seconds so the studio can hear the room.'
                  : roomTone > NOISY_ROOM_DB
                    ? `Room tone ${roomTone.toFixed(0)} dBFS: noisy. Close windows, turn off fans, or move closer to the microphone.`
                    : `Room tone ${roomTone.toFixed(0)} dBFS: quiet enough.`}
              </span>
            </div>
          </>
        )}
      </section>
      {prompt ? (
        <section className="stack" aria-labelledby="prompt-heading">
          <h2 id="prompt-heading" className="visually-hidden">
            Prompt
          </h2>
          <div className="prompt-card">
            <div className="prompt-meta">
              <span>
                Prompt {index + 1} of {prompts.length} · {prompt.id}
              </span>
              {taken ? <TakeStatus take={taken} /> : <span className="chip">not recorded</span>}
            </div>
            <p lang={language} data-testid="prompt-text">
              {prompt.text}
            </p>
          </div>
          <div className="row">
            <Button onClick={() => (setIndex((i) => Math.max(0, i - 1)), setLast(undefined))} disabled={recorder.recording || index === 0} aria-keyshortcuts="ArrowLeft">
              ← Previous
            </Button>
            <Button variant={recorder.recording ? 'danger' : 'primary'} onClick={toggle} disabled={!mic.stream || recorder.saving} busy={recorder.saving} aria-keyshortcuts="Space">
              {recorder.recording ? (
                <>
                  <span className="recording-dot" aria-hidden="true" /> Stop
                </>
              ) : taken ? (
                'Re-take'
              ) : (
                'Record'
              )}
            </Button>
            <Button onClick={() => (setIndex((i) => Math.min(prompts.length - 1, i + 1)), setLast(undefined))} disabled={recorder.recording || index >= prompts.length - 1} aria-keyshortcuts="ArrowRight">
              Next →
            </Button>
            {recorder.recording ? <RecordingTimer seconds={recorder.elapsed} /> : null}
            <span className="lede">
              <kbd className="key">Space</kbd> records and stops, <kbd className="key">←</kbd> <kbd className="key">→</kbd> move between prompts.
            </span>
          </div>
        </section>
      ) : null}
      {last ? (
        <section className="panel stack" aria-labelledby="last-take">
          <h2 id="last-take">Last take</h2>
          <Waveform peaks={last.peaks} label="Waveform of the last take" />
          <audio controls src={last.url} aria-label="Play the last take" />
          {last.take ? (
            <p>
              <TakeStatus take={last.take} /> {takeFigures(last.take)}
              {last.take.reasons.map((r) => (
                <span key={r} className="take-figures">
                  {' '}
                  · {r}
                </span>
              ))}
            </p>
          ) : null}
        </section>
      ) : null}
      <section className="panel stack" aria-labelledby="voice-takes">
        <h2 id="voice-takes">Takes in {script.data?.name ?? language}</h2>
        {takes.error ? <ErrorBanner error={takes.error} onRetry={takes.reload} /> : null}
        {takes.data && takes.data.length > 0 ? (
          <TakeList takes={takes.data} onDelete={(take) => void client.call('capture.delete', { id: take.id }).then(reload, setError)} />
        ) : (
          <p className="lede">No takes in this language yet.</p>
        )}
      </section>
    </div>
  );
}
