// Consent tab: the studio picks a random sentence, the creator reads it on camera, and the take is checked against their voice and face; renderer.
import { useEffect, useRef, useState } from 'react';
import type { ConsentRecord } from '../../../main/contract/models.js';
import { useCall, useClient } from '../../client.js';
import { Button, ErrorBanner, LevelMeter } from '../../design/index.js';
import { useCamera } from '../../media/camera.js';
import { RecordingTimer, useElapsed } from '../../media/elapsed.js';
import { useStreamLevel } from '../../media/level.js';
import { ChunkedUpload } from '../../media/upload.js';

const LANGUAGES = [
  { tag: 'en', name: 'English' },
  { tag: 'es', name: 'Spanish' },
  { tag: 'fr', name: 'French' },
  { tag: 'de', name: 'German' },
  { tag: 'hi', name: 'Hindi' },
  { tag: 'zh', name: 'Mandarin Chinese' },
  { tag: 'ja', name: 'Japanese' },
];

function Verdict({ record }: { record: ConsentRecord }) {
  return (
    <section className="panel stack" aria-label="Consent result" data-accepted={record.accepted}>
      <h3>
        <span className={`chip chip-${record.accepted ? 'pass' : 'fail'}`}>{record.accepted ? 'Accepted' : 'Not accepted'}</span> “{record.sentence}”
      </h3>
      <dl className="facts">
        <dt>Speech</dt>
        <dd>
          {record.speech.accepted ? 'matches the sentence' : 'does not match the sentence well enough'}
          {` (${[
            record.speech.margin === null ? 'no lead measured over sentences with other words' : `lead ${record.speech.margin.toFixed(2)} over sentences with other words`,
            record.speech.foreignMargin === null ? 'none over different sentences' : `${record.speech.foreignMargin.toFixed(2)} over different sentences`,
          ].join(', ')})`}
        </dd>
        <dt>Face</dt>
        <dd>
          {record.face.accepted ? 'matches your face takes' : 'does not match your face takes'}
          {record.face.distance === null ? ' (no face found)' : ` (distance ${record.face.distance.toFixed(2)}, must be under ${record.face.threshold})`}
        </dd>
        <dt>Captured by</dt>
        <dd>the in-app recorder, {new Date(record.createdAt).toLocaleString()}</dd>
      </dl>
    </section>
  );
}

export function ConsentTab() {
  const client = useClient();
  const camera = useCamera();
  const records = useCall('consent.list', {});
  const [language, setLanguage] = useState('en');
  const [issued, setIssued] = useState<{ id: string; sentence: string }>();
  const [recording, setRecording] = useState(false);
  const [checking, setChecking] = useState(false);
  const [result, setResult] = useState<ConsentRecord>();
  const [error, setError] = useState<Error>();
  const recorder = useRef<MediaRecorder | undefined>(undefined);
  const elapsed = useElapsed(recording);
  const level = useStreamLevel(camera.stream);
  const fail = (e: unknown) => setError(e instanceof Error ? e : new Error(String(e)));

  // A sentence issued before a reload (or in another window) is still the one to read until it expires.
  useEffect(() => {
    client.call('consent.current', {}).then((current) => {
      if (!current) return;
      setLanguage(current.language);
      setIssued({ id: current.id, sentence: current.sentence });
    }, fail);
  }, [client]);

  const newSentence = () => {
    setResult(undefined);
    client.call('consent.start', { language }).then(setIssued, fail);
  };

  const toggle = async () => {
    if (recorder.current?.state === 'recording') {
      recorder.current.stop();
      return;
    }
    if (!camera.stream || !issued) return;
    const upload = await ChunkedUpload.start(client, { kind: 'consent', language, promptId: null, purpose: 'take', fileName: 'consent.webm' });
    const media = new MediaRecorder(camera.stream, { mimeType: 'video/webm;codecs=vp8,opus', videoBitsPerSecond: 1_500_000 });
    media.ondataavailable = (event) => event.data.size > 0 && void upload.push(event.data);
    media.onstop = () => {
      setRecording(false);
      setChecking(true);
      upload
        .flushed()
        .then((recordingId) => client.call('consent.finish', { id: issued.id, recordingId }))
        .then((record) => {
          setResult(record);
          setIssued(undefined);
          records.reload();
        }, fail)
        .finally(() => setChecking(false));
    };
    media.start(1000);
    recorder.current = media;
    setRecording(true);
  };

  return (
    <div className="stack">
      {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
      {camera.error ? <ErrorBanner error={camera.error} onRetry={camera.start} /> : null}
      <p className="lede">
        The consent take ties your twin to you: you read a sentence the studio chooses at random, on camera. It must match that sentence better than
        other sentences, and your face must match your face takes. It proves the take was captured by the in-app recorder, not that it was live: a
        virtual camera can feed any recorder.
      </p>
      <div className="row">
        <label className="field">
          Language
          <select value={language} onChange={(e) => (setLanguage(e.target.value), setIssued(undefined))}>
            {LANGUAGES.map((l) => (
              <option key={l.tag} value={l.tag}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
        {!camera.stream ? (
          <Button onClick={camera.start}>Use camera</Button>
        ) : (
          <Button onClick={newSentence} disabled={recording || checking}>
            {issued ? 'Another sentence' : 'Get my sentence'}
          </Button>
        )}
      </div>
      <div className="camera-preview" hidden={!camera.stream}>
        <video ref={camera.videoRef} muted playsInline aria-label="Camera preview" />
      </div>
      {camera.stream ? <LevelMeter levelDb={level.levelDb} clipping={level.clipping} label="Microphone level" /> : null}
      {issued ? (
        <section className="stack" aria-label="Consent sentence">
          <div className="prompt-card">
            <p lang={language} data-testid="consent-sentence">
              {issued.sentence}
            </p>
          </div>
          <div className="row">
            <Button variant={recording ? 'danger' : 'primary'} onClick={() => void toggle().catch(fail)} busy={checking} disabled={!camera.stream}>
              {recording ? 'Stop' : 'Record consent take'}
            </Button>
            {recording ? <RecordingTimer seconds={elapsed} /> : null}
            {checking ? <span className="lede">Checking your voice and face…</span> : null}
          </div>
        </section>
      ) : null}
      {result ? <Verdict record={result} /> : null}
      {records.data && records.data.length > 0 ? (
        <section className="panel stack" aria-labelledby="consent-history">
          <h2 id="consent-history">Consent takes</h2>
          {records.data.map((r) => (
            <p key={r.id}>
              <span className={`chip chip-${r.accepted ? 'pass' : 'fail'}`}>{r.accepted ? 'Accepted' : 'Not accepted'}</span> {new Date(r.createdAt).toLocaleString()} · “
              {r.sentence}”
            </p>
          ))}
        </section>
      ) : null}
    </div>
  );
}
