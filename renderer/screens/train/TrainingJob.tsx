// One training job with its figures, loss curves, pause, resume and cancel; renderer.
import { useEffect, useState } from 'react';
import type { Job, LossPoint } from '../../../main/contract/models.js';
import { useClient, useEvent } from '../../client.js';
import { JobCard, LossPlot, formatEta } from '../../design/index.js';
import type { useJobs } from '../../jobs.js';

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

export function TrainingJob({ job, jobs }: { job: Job; jobs: ReturnType<typeof useJobs> }) {
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
