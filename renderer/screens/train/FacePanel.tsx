// The Face panel of the Train screen: train the face model, its held-out report beside two baselines, a side-by-side player, and a talking head rendered for spoken text; renderer.
import { useState } from 'react';
import type { FaceModel, Job } from '../../../main/contract/models.js';
import { useCall, useClient } from '../../client.js';
import { Button, ErrorBanner, useToast } from '../../design/index.js';
import { useJobs } from '../../jobs.js';
import { useStudioMedia } from '../../media/studio-media.js';
import { TrainingJob } from './TrainingJob.js';

function Video({ label, digest }: { label: string; digest: string }) {
  const { url, error } = useStudioMedia('video', digest);
  return (
    <figure className="player">
      <figcaption>{label}</figcaption>
      {error ? <span className="lede">{error.message}</span> : <video controls preload="auto" src={url} aria-label={label} className="video-player" />}
    </figure>
  );
}

const num = (v: number, digits: number) => (Number.isFinite(v) ? v.toFixed(digits) : '–');

function Report({ model }: { model: FaceModel }) {
  const r = model.report;
  const rows: [string, { lmd: number; ssim: number }, string?][] = [
    ['Your face model', r.model, 'model'],
    ['Idle loop, untouched (baseline)', r.idle],
    ['Nearest training mouth by audio (baseline)', r.nearest],
  ];
  return (
    <section className="panel stack" aria-labelledby="face-report">
      <h3 id="face-report">
        Face model {model.version}: quality on {r.heldOutTakes} held-out take{r.heldOutTakes === 1 ? '' : 's'}
      </h3>
      <p className="lede">
        Trained on {r.trainTakes} takes ({r.trainFrames} frames) in {Math.round(r.trainingSeconds)} s on {r.device}. The held-out takes ({r.heldOutFrames} frames)
        were never trained on; each is drawn from its own audio and tracked again to measure the mouth.
      </p>
      <table className="report" aria-label="Face quality">
        <thead>
          <tr>
            <th scope="col">Mouth</th>
            <th scope="col">Landmark distance (lower is better)</th>
            <th scope="col">SSIM in the mouth (higher is better)</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([name, s, row]) => (
            <tr key={name} data-row={row === 'model' ? 'converted' : undefined}>
              <th scope="row">{name}</th>
              <td>{num(s.lmd, 2)} px</td>
              <td>{num(s.ssim, 3)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="lede">
        Idle loop: {r.idleSeconds.toFixed(1)} s of your footage at rest, played back and forth. Preparation took {num(r.preprocessMsPerFrame, 1)} ms per frame.
      </p>
      {r.excluded.map((e) => (
        <p key={e.id} className="lede">
          Left out {e.id}: {e.reason}
        </p>
      ))}
      {r.notes.map((n) => (
        <p key={n} className="lede">
          {n}
        </p>
      ))}
      {model.sample ? <Video label="A held-out take: real · your face model · nearest training mouth" digest={model.sample} /> : null}
    </section>
  );
}

function Render({ model }: { model: FaceModel }) {
  const client = useClient();
  const toast = useToast();
  const spoken = useJobs(['voice.say']);
  const renders = useJobs(['face.render']);
  const [current, setCurrent] = useState<string>();
  const lastSpoken = spoken.jobs.find((j) => j.state === 'completed' && typeof j.result?.audio === 'string');
  const job: Job | undefined = renders.jobs.find((j) => j.id === current);
  const video = job?.state === 'completed' && typeof job.result?.video === 'string' ? job.result.video : undefined;
  const render = () =>
    client.call('face.render', { audio: String(lastSpoken!.result!.audio), model: model.id }).then((started) => {
      renders.track(started);
      setCurrent(started.id);
    }, (e: unknown) => toast(e instanceof Error ? e.message : String(e), 'error'));
  return (
    <section className="panel stack" aria-labelledby="face-render">
      <h3 id="face-render">Your talking head</h3>
      {lastSpoken ? (
        <div className="row">
          <Button variant="primary" onClick={() => void render()} disabled={job?.state === 'running' || job?.state === 'queued'}>
            Render the last spoken text
          </Button>
          <span className="lede">{lastSpoken.title}</span>
        </div>
      ) : (
        <p className="lede">Speak a text with your voice model (above), then render your face saying it.</p>
      )}
      {job && job.state !== 'completed' ? (
        <p role="status" className="lede">
          {job.state === 'failed' ? `Could not render: ${job.error ?? 'failed'}` : job.progress.message || 'Starting…'}
        </p>
      ) : null}
      {video ? <Video label="Rendered" digest={video} /> : null}
    </section>
  );
}

export function FacePanel() {
  const client = useClient();
  const toast = useToast();
  const models = useCall('face.models', {});
  const training = useJobs(['face.train'], (job) => {
    if (job.state === 'completed') {
      toast('Your face model is ready', 'success');
      models.reload();
    }
    if (job.state === 'failed') toast(`Face training failed: ${job.error ?? ''}`, 'error');
  });
  const [epochs, setEpochs] = useState('');
  const [starting, setStarting] = useState(false);
  const current = models.data?.at(-1);
  const latest = training.jobs[0];
  const start = () => {
    setStarting(true);
    client
      .call('face.train', epochs ? { epochs: Number(epochs) } : {})
      .then(training.track, (e: unknown) => toast(e instanceof Error ? e.message : String(e), 'error'))
      .finally(() => setStarting(false));
  };
  return (
    <section className="panel stack" aria-labelledby="face-panel">
      <h2 id="face-panel">Face</h2>
      <p className="lede">
        Your face model learns from your face takes (at least 60 s of video with one clear, frontal face): every frame is tracked and its mouth cut out, and a
        network learns to draw your mouth from the sound around it. It then speaks any audio over a loop of you at rest.
      </p>
      {models.error ? <ErrorBanner error={models.error} onRetry={models.reload} /> : null}
      <div className="row">
        <label className="field">
          Epochs
          <input type="number" min={1} max={1000} placeholder="20" value={epochs} onChange={(e) => setEpochs(e.target.value)} />
        </label>
        <Button variant="primary" onClick={start} busy={starting} disabled={latest?.state === 'running' || latest?.state === 'queued'}>
          {current ? 'Train again' : 'Train my face'}
        </Button>
      </div>
      {latest && latest.state !== 'completed' ? <TrainingJob job={latest} jobs={training} /> : null}
      {current ? <Report model={current} /> : null}
      {current ? <Render model={current} /> : null}
    </section>
  );
}
