// Live job lists for screens: the stored jobs merged with job.updated events, and the actions on them; renderer.
import { useCallback, useState } from 'react';
import type { Job, JobKind } from '../main/contract/models.js';
import { useCall, useClient, useEvent } from './client.js';

export interface JobsState {
  jobs: Job[];
  error: Error | undefined;
  clearError(): void;
  track(job: Job): void;
  cancel(job: Job): void;
  pause(job: Job): void;
  resume(job: Job): void;
}

export function useJobs(kinds: readonly JobKind[], onUpdate?: (job: Job) => void): JobsState {
  const client = useClient();
  const stored = useCall('jobs.list', { limit: 50 });
  const [live, setLive] = useState<Record<string, Job>>({});
  const [error, setError] = useState<Error>();
  const track = useCallback((job: Job) => setLive((all) => ({ ...all, [job.id]: all[job.id] && all[job.id]!.updatedAt > job.updatedAt ? all[job.id]! : job })), []);
  useEvent('job.updated', (job) => {
    if (!kinds.includes(job.kind)) return;
    setLive((all) => ({ ...all, [job.id]: job }));
    onUpdate?.(job);
  });
  const fail = (e: unknown) => setError(e instanceof Error ? e : new Error(String(e)));
  const merged = new Map<string, Job>();
  for (const job of stored.data ?? []) if (kinds.includes(job.kind)) merged.set(job.id, job);
  for (const job of Object.values(live)) merged.set(job.id, job);
  const jobs = [...merged.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, 10);
  return {
    jobs,
    error: error ?? stored.error,
    clearError: () => setError(undefined),
    track,
    cancel: (job) => void client.call('jobs.cancel', { id: job.id }).then(track, fail),
    pause: (job) => void client.call('jobs.pause', { id: job.id }).catch(fail),
    resume: (job) => void client.call('jobs.resume', { id: job.id }).then(track, fail),
  };
}
