// Card for one job: title, state, progress with ETA, result or error, cancel and resume; renderer.
import type { ReactNode } from 'react';
import type { Job } from '../../main/contract/models.js';
import { Button } from './Button.js';
import { ProgressBar } from './ProgressBar.js';

const STATE_LABEL: Record<Job['state'], string> = {
  queued: 'Waiting',
  running: 'Running',
  paused: 'Paused',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};

export interface JobCardProps {
  job: Job;
  onCancel?: (job: Job) => void;
  onPause?: (job: Job) => void;
  onResume?: (job: Job) => void;
  /** Extra content between the progress and the actions (metrics, plots). */
  children?: ReactNode;
}

export function JobCard({ job, onCancel, onPause, onResume, children }: JobCardProps) {
  const active = job.state === 'running' || job.state === 'queued';
  return (
    <article className={`job-card job-${job.state}`} aria-label={`${job.title}: ${STATE_LABEL[job.state]}`} data-job-id={job.id} data-state={job.state}>
      <header className="job-head">
        <h3>{job.title}</h3>
        <span className={`badge badge-${job.state}`}>{STATE_LABEL[job.state]}</span>
      </header>
      {active ? <ProgressBar fraction={job.progress.fraction} etaSeconds={job.progress.etaSeconds} label={`${job.title} progress`} /> : null}
      <p className="job-message">{job.error ?? job.progress.message}</p>
      {children}
      {job.result && job.state === 'completed' ? (
        <dl className="job-result">
          {Object.entries(job.result)
            .filter(([, value]) => value !== '')
            .map(([key, value]) => (
              <div key={key}>
                <dt>{key}</dt>
                <dd>{String(value)}</dd>
              </div>
            ))}
        </dl>
      ) : null}
      <footer className="job-actions">
        {job.state === 'running' && onPause ? <Button onClick={() => onPause(job)}>Pause</Button> : null}
        {job.resumable && onResume ? <Button onClick={() => onResume(job)}>Resume</Button> : null}
        {(active || job.resumable) && onCancel ? <Button onClick={() => onCancel(job)}>Cancel</Button> : null}
      </footer>
    </article>
  );
}
