// Train screen: start a recipe, and follow each training job with its loss curves, device, ETA, pause, resume and cancel; renderer.
import { useState } from 'react';
import { useCall, useClient } from '../client.js';
import { Button, EmptyState, ErrorBanner, useToast } from '../design/index.js';
import { useJobs } from '../jobs.js';
import { ScreenHeader } from './ScreenHeader.js';
import { FacePanel } from './train/FacePanel.js';
import { TrainingJob } from './train/TrainingJob.js';
import { VoicePanel } from './train/VoicePanel.js';

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
      <VoicePanel />
      <FacePanel />
      <section className="panel stack" aria-labelledby="new-training">
        <h2 id="new-training">Test recipes</h2>
        <p className="lede">Two small recipes with built-in data check that training works on this machine and show what to expect.</p>
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
