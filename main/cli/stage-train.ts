// Trains a stage's model (voice, face) in the foreground of the CLI from the shared options, then prints its report; CLI process.
import { Provider, StageTrainOptions } from '../contract/models.js';
import type { Studio } from '../core/studio.js';
import { EXIT } from './exit-codes.js';
import { followJob } from './follow.js';
import { parseCount } from './train.js';
import { type Io, UsageError } from './verb.js';

/** The CLI options every stage's `train` takes. */
export const STAGE_TRAIN_OPTIONS = {
  epochs: { type: 'string' },
  seed: { type: 'string' },
  provider: { type: 'string' },
  threads: { type: 'string' },
} as const;

export function parseStageTrainOptions(values: Record<string, unknown>): StageTrainOptions {
  const provider = values.provider === undefined ? undefined : Provider.safeParse(values.provider);
  if (provider && !provider.success) throw new UsageError(`--provider takes one of ${Provider.options.join(', ')}.`);
  return StageTrainOptions.parse({
    epochs: parseCount('epochs', values.epochs as string | undefined, 1000),
    seed: parseCount('seed', values.seed as string | undefined),
    provider: provider?.data,
    threads: parseCount('threads', values.threads as string | undefined, 256),
  });
}

export async function trainStage(studio: Studio, kind: 'voice.train' | 'face.train', values: Record<string, unknown>, io: Io, report: () => string[] | null): Promise<number> {
  const job = studio.jobs.start(kind, parseStageTrainOptions(values));
  if (!values.json) io.out(`Started ${job.id}: ${job.title}`);
  const code = await followJob(studio, job.id, io, Boolean(values.json));
  const lines = code === EXIT.ok && !values.json ? report() : null;
  for (const line of lines ?? []) io.out(line);
  return code;
}
