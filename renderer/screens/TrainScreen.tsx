// Train screen: start a recipe, and follow each training job with its loss curves, device, ETA, pause, resume and cancel; renderer.
import { useEffect, useState } from 'react';
import type { Job, LossPoint } from '../../main/contract/models.js';
import { useCall, useClient, useEvent } from '../client.js';
import { Button, EmptyState, ErrorBanner, JobCard, LossPlot, formatEta, useToast } from '../design/index.js';
import { useJobs } from '../jobs.js';
import { ScreenHeader } from './ScreenHeader.js';

function useHistory(id: string): LossPoint[] {
  const client = useClient();
  const [points, setPoints] = useState<LossPoint[]>([]);
  useEffect(() => {
    let live = true;
    client.call('jobs.history', { id }).then((list) => live && setPoints(list), () => undefined);
    return () => {
      live = false;
    };
  }, [client, id]);
  useEvent('job.point', (event) => {
    if (event.id !== id) return;
    // A resumed job replays from its checkpoint: drop points past the one it restarts from.
    setPoints((list) => [...list.filter((p) => p.step < event.point.step || (p.step === event.point.step && p.valLoss === null && event.point.valLoss !== null)), event.point]);
  });
  return points;
}

function TrainingJob({ job, jobs }: { job: Job; jobs: ReturnType<typeof useJobs> }) {
  const points = useHistory(job.id);
  const m = job.metrics;
  return (
    <JobCard job={job} onPause={jobs.pause} onResume={jobs.resume} onCancel={jobs.cancel}>
      {m ? (
        <dl className="metrics" aria-label="Training figures">
          <div>
            <dt>Device</dt>
            <dd>{m.device}</dd>
          </div>
          <div>
            <dt>Epoch</dt>
            <dd>
              {m.epoch} of {m.epochs}
            </dd>
          </div>
          <div>
            <dt>Step</dt>
            <dd>
              {m.step} of {m.totalSteps}
            </dd>
          </div>
          <div>
            <dt>Training loss</dt>
            <dd>{m.trainLoss?.toPrecision(4) ?? '–'}</dd>
          </div>
          <div>
            <dt>Validation loss</dt>
            <dd>{m.valLoss?.toPrecision(4) ?? '–'}</dd>
          </div>
          <div>
            <dt>Speed</dt>
            <dd>{m.examplesPerSec === null ? '–' : `${m.examplesPerSec} examples/s`}</dd>
          </div>
          {job.state === 'running' ? (
            <div>
              <dt>Time left</dt>
              <dd>{formatEta(job.progress.etaSeconds)}</dd>
            </div>
          ) : null}
          {m.bestEpoch !== null ? (
            <div>
              <dt>Best epoch</dt>
              <dd>
                {m.bestEpoch} (validation {m.bestValLoss?.toPrecision(4)}){m.stoppedEarly ? ', stopped early' : ''}
              </dd>
            </div>
          ) : null}
        </dl>
      ) : null}
      {m?.deviceNote ? <p className="device-note">{m.deviceNote}</p> : null}
      <LossPlot points={points} bestEpoch={m?.bestEpoch ?? null} />
    </JobCard>
  );
}

export function TrainScreen() {
  const client = useClient();
  const toast = useToast();
  const recipes = useCall('train.recipes', {});
  const jobs = useJobs(['train'], (job) => {
    if (job.state === 'completed') toast(`${job.title}: finished, best epoch ${job.metrics?.bestEpoch ?? '–'}`, 'success');
    if (job.state === 'failed') toast(`${job.title} failed`, 'error');
  });
  const [recipe, setRecipe] = useState('');
  const [epochs, setEpochs] = useState('');
  const [starting, setStarting] = useState(false);
  const chosen = recipes.data?.find((r) => r.name === (recipe || recipes.data?.[0]?.name));
  const start = () => {
    if (!chosen) return;
    setStarting(true);
    client
      .call('train.start', { recipe: chosen.name, ...(epochs ? { epochs: Number(epochs) } : {}) })
      .then(jobs.track, (e: unknown) => toast(e instanceof Error ? e.message : String(e), 'error'))
      .finally(() => setStarting(false));
  };
  return (
    <>
      <ScreenHeader title="Train">Train your personal voice and face models on this computer, on its GPU when it has one. Pause any time; training resumes where it stopped.</ScreenHeader>
      {recipes.error ? <ErrorBanner error={recipes.error} onRetry={recipes.reload} /> : null}
      {jobs.error ? <ErrorBanner error={jobs.error} onDismiss={jobs.clearError} /> : null}
      <section className="panel stack" aria-labelledby="new-training">
        <h2 id="new-training">New training</h2>
        <p className="lede">
          Voice and face recipes appear here once you have recorded takes. The two toy recipes check that training works on this machine and show what
          to expect.
        </p>
        <div className="row">
          <label className="field">
            Recipe
            <select value={chosen?.name ?? ''} onChange={(e) => setRecipe(e.target.value)}>
              {(recipes.data ?? []).map((r) => (
                <option key={r.name} value={r.name}>
                  {r.title}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            Epochs
            <input type="number" min={1} max={10000} placeholder={String(chosen?.defaultEpochs ?? '')} value={epochs} onChange={(e) => setEpochs(e.target.value)} />
          </label>
          <Button variant="primary" onClick={start} busy={starting} disabled={!chosen}>
            Start training
          </Button>
        </div>
        {chosen ? <p className="lede">{chosen.description}</p> : null}
      </section>
      {jobs.jobs.length === 0 ? (
        <EmptyState title="No training yet">Start a recipe above; its progress, loss curves and best epoch show here.</EmptyState>
      ) : (
        <div className="stack" aria-label="Training jobs">
          {jobs.jobs.map((job) => (
            <TrainingJob key={job.id} job={job} jobs={jobs} />
          ))}
        </div>
      )}
    </>
  );
}
