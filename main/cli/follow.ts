// Runs a job in the foreground of the CLI: progress lines, Ctrl+C pauses it with a checkpoint, exit code from its end state; CLI process.
import type { Job } from '../contract/models.js';
import type { Studio } from '../core/studio.js';
import { EXIT } from './exit-codes.js';
import { type Io, untilStopSignal } from './verb.js';

export function describeJob(job: Job): string {
  const m = job.metrics;
  const parts = [`${job.id}  ${job.state.padEnd(11)} ${job.title}`, `${Math.round(job.progress.fraction * 100)}%`];
  if (m) {
    parts.push(`epoch ${m.epoch}/${m.epochs}`, `step ${m.step}/${m.totalSteps}`);
    if (m.trainLoss !== null) parts.push(`train ${m.trainLoss.toPrecision(4)}`);
    if (m.valLoss !== null) parts.push(`val ${m.valLoss.toPrecision(4)}`);
    if (m.bestEpoch !== null) parts.push(`best epoch ${m.bestEpoch}`);
  }
  return parts.join('  ');
}

function progressLine(job: Job): string {
  const m = job.metrics;
  const eta = job.progress.etaSeconds === null ? '' : `  ETA ${job.progress.etaSeconds}s`;
  if (!m) return `${job.progress.message}  ${Math.round(job.progress.fraction * 100)}%${eta}`;
  const loss = (v: number | null) => (v === null ? '–' : v.toPrecision(4));
  return `${job.progress.message}  step ${m.step}/${m.totalSteps}  train ${loss(m.trainLoss)}  val ${loss(m.valLoss)}  ${m.examplesPerSec ?? '–'} ex/s  ${m.device}${eta}`;
}

export function exitCodeOf(job: Job): number {
  switch (job.state) {
    case 'completed':
      return EXIT.ok;
    case 'paused':
    case 'interrupted':
      return EXIT.interrupted;
    default:
      return EXIT.failure;
  }
}

/** Prints a line whenever the job's message changes (each epoch, each pause), and pauses the job on Ctrl+C. */
export async function followJob(studio: Studio, id: string, io: Io, json: boolean): Promise<number> {
  let lastMessage = '';
  const unsubscribe = studio.events.subscribe((name, payload) => {
    if (json || name !== 'job.updated') return;
    const job = payload as Job;
    if (job.id !== id || job.progress.message === lastMessage) return;
    lastMessage = job.progress.message;
    io.out(progressLine(job));
  });
  void untilStopSignal().then(() => {
    if (studio.jobs.isRunning(id)) {
      io.err('Pausing: saving a checkpoint…');
      studio.jobs.pause(id);
    }
  });
  const job = await studio.jobs.settled(id);
  unsubscribe();
  if (json) {
    io.out(JSON.stringify({ ...job, history: studio.jobs.history(id) }));
  } else {
    io.out(describeJob(job));
    if (job.result) io.out(Object.entries(job.result).map(([k, v]) => `  ${k}: ${v}`).join('\n'));
    if (job.error) io.err(`Error: ${job.error}`);
    if (job.resumable) io.out(`Resume with: likeness jobs resume ${job.id}`);
  }
  return exitCodeOf(job);
}
