// Face tab: webcam preview with the tracked face box and landmarks drawn live, and face takes recorded while reading a prompt; renderer.
import { useCallback, useRef, useState } from 'react';
import type { Take } from '../../../main/contract/models.js';
import { useCall, useClient } from '../../client.js';
import { Button, ErrorBanner, useToast } from '../../design/index.js';
import { type Camera, useCamera } from '../../media/camera.js';
import { RecordingTimer, useElapsed } from '../../media/elapsed.js';
import { ChunkedUpload } from '../../media/upload.js';
import { LanguagePicker } from './LanguagePicker.js';
import { TakeList, TakeStatus, takeFigures } from './TakeList.js';

function faceAdvice(camera: Camera): string {
  if (!camera.frame) return 'Looking for your face…';
  if (camera.faces.length === 0) return 'No face found: face the camera, with light in front of you.';
  if (camera.faces.length > 1) return `${camera.faces.length} faces: record alone.`;
  const share = camera.faces[0]!.box.height / camera.frame.height;
  if (share < 0.25) return `Face found but small (${Math.round(share * 100)}% of the frame height): move closer.`;
  return 'Face found: ready to record.';
}

function Overlay({ camera }: { camera: Camera }) {
  if (!camera.frame) return null;
  const { width, height } = camera.frame;
  return (
    <svg className="face-overlay" viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="xMidYMid slice" role="img" aria-label={`${camera.faces.length} face(s) tracked`}>
      {camera.faces.map((face, i) => (
        <g key={i} data-face={i}>
          <rect x={face.box.x} y={face.box.y} width={face.box.width} height={face.box.height} />
          {face.landmarks.map(([x, y], k) => (
            <circle key={k} cx={x} cy={y} r={1.2} />
          ))}
        </g>
      ))}
    </svg>
  );
}

export function FaceTab() {
  const client = useClient();
  const toast = useToast();
  const camera = useCamera();
  const [language, setLanguage] = useState('en');
  const script = useCall('capture.prompts', { language });
  const takes = useCall('capture.takes', { kind: 'face' });
  const [index, setIndex] = useState(0);
  const [recording, setRecording] = useState(false);
  const [saving, setSaving] = useState(false);
  const [last, setLast] = useState<Take>();
  const [error, setError] = useState<Error>();
  const recorder = useRef<MediaRecorder | undefined>(undefined);
  const prompts = script.data?.prompts ?? [];
  const prompt = prompts.length > 0 ? prompts[index % prompts.length] : undefined;
  const elapsed = useElapsed(recording);

  const toggle = useCallback(async () => {
    if (recorder.current?.state === 'recording') {
      recorder.current.stop();
      return;
    }
    if (!camera.stream || !prompt) return;
    const upload = await ChunkedUpload.start(client, { kind: 'face', language, promptId: prompt.id, purpose: 'take', fileName: 'face.webm' });
    const media = new MediaRecorder(camera.stream, { mimeType: 'video/webm;codecs=vp8,opus', videoBitsPerSecond: 1_500_000 });
    media.ondataavailable = (event) => event.data.size > 0 && void upload.push(event.data);
    media.onstop = () => {
      setRecording(false);
      setSaving(true);
      upload
        .finish()
        .then((result) => {
          setLast(result.takes[0]);
          takes.reload();
          toast('Face take saved', 'success');
        }, setError)
        .finally(() => setSaving(false));
    };
    media.start(1000);
    recorder.current = media;
    setRecording(true);
  }, [camera.stream, prompt, language, client, takes, toast]);

  return (
    <div className="stack">
      {camera.error ? <ErrorBanner error={camera.error} onRetry={camera.start} /> : null}
      {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
      <section className="panel stack" aria-labelledby="camera-heading">
        <h2 id="camera-heading">Camera</h2>
        {!camera.stream ? (
          <div className="row">
            <Button variant="primary" onClick={camera.start}>
              Use camera
            </Button>
            <span className="lede">The preview shows the face the studio tracks; nothing is recorded until you press Record.</span>
          </div>
        ) : null}
        <div className="camera-preview" hidden={!camera.stream}>
          <video ref={camera.videoRef} muted playsInline aria-label="Camera preview" />
          <Overlay camera={camera} />
        </div>
        {camera.stream ? (
          <p role="status" className="lede">
            {faceAdvice(camera)}
          </p>
        ) : null}
      </section>
      {camera.stream && prompt ? (
        <section className="stack" aria-label="Face take">
          <div className="prompt-card">
            <div className="prompt-meta">
              <span>
                Read aloud, looking at the camera · {prompt.id}
              </span>
              <LanguagePicker languages={script.data?.languages} value={language} disabled={recording} onChange={(tag) => (setLanguage(tag), setIndex(0))} />
            </div>
            <p lang={language}>{prompt.text}</p>
          </div>
          <div className="row">
            <Button variant={recording ? 'danger' : 'primary'} onClick={() => void toggle().catch(setError)} busy={saving}>
              {recording ? 'Stop' : 'Record face take'}
            </Button>
            {recording ? <RecordingTimer seconds={elapsed} /> : null}
            <Button onClick={() => setIndex((i) => i + 1)} disabled={recording}>
              Next prompt →
            </Button>
          </div>
          {last ? (
            <p>
              <TakeStatus take={last} /> {takeFigures(last)}
            </p>
          ) : null}
        </section>
      ) : null}
      <section className="panel stack" aria-labelledby="face-takes">
        <h2 id="face-takes">Face takes</h2>
        {takes.data && takes.data.length > 0 ? (
          <TakeList takes={takes.data} onDelete={(take) => void client.call('capture.delete', { id: take.id }).then(takes.reload, setError)} />
        ) : (
          <p className="lede">No face takes yet.</p>
        )}
      </section>
    </div>
  );
}
