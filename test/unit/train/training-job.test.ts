// Training jobs end to end: kill -9 and pause both resume to the same losses as an uninterrupted run; cancel; provider fallback; unknown recipes.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Job, LossPoint } from '../../../main/contract/models.js';
import { openStudio } from '../../../main/core/studio.js';
import { CLI, runCliProcess } from '../../support/serve.js';
import { tempDir } from '../../support/tmp.js';

// The denoiser takes a few tenths of a second per epoch: time enough to stop it after the first checkpoint.
const ARGS = ['toy-denoise', '--epochs', '6', '--seed', '5', '--threads', '1'];

interface Finished extends Job {
  history: LossPoint[];
}

async function trainToEnd(home: string): Promise<Finished> {
  const result = await runCliProcess(['train', ...ARGS, '--home', home, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Finished;
}

/** Starts training in a child process and stops it with `signal` once the first epoch's checkpoint is on disk. */
async function startAndStop(home: string, signal: NodeJS.Signals): Promise<{ id: string; code: number | null; stdout: string }> {
  const child = spawn(process.execPath, [CLI, 'train', ...ARGS, '--home', home], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let id = '';
  const exited = once(child, 'exit') as Promise<[number | null]>;
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      id ||= /Started (job_[0-9a-f]{16})/.exec(out)?.[1] ?? '';
      // The checkpoint is written before the epoch's validation line is reported.
      if (/Epoch 1 of 6: validation loss/.test(out)) resolve();
    });
    void exited.then(() => reject(new Error(`training ended before it could be stopped:\n${out}`)));
  });
  child.kill(signal);
  const [code] = await exited;
  return { id, code, stdout: out };
}

describe('training jobs', () => {
  let reference: Finished;
  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), 'likeness-reference-'));
    reference = await trainToEnd(home);
    rmSync(home, { recursive: true, force: true });
  });

  it('after kill -9, resumes from the last checkpoint and ends with exactly the losses of an uninterrupted run', async () => {
    expect(reference.state).toBe('completed');
    expect(reference.history.filter((p) => p.valLoss !== null).length).toBeGreaterThanOrEqual(4);

    const home = tempDir();
    const killed = await startAndStop(home, 'SIGKILL');
    expect(killed.code).toBeNull();
    expect(existsSync(join(home, 'checkpoints', killed.id, 'latest.ckpt'))).toBe(true);
    const listed = await runCliProcess(['jobs', 'show', killed.id, '--home', home, '--json']);
    expect((JSON.parse(listed.stdout) as Job).state).toBe('interrupted');

    const resumed = await runCliProcess(['jobs', 'resume', killed.id, '--home', home, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const finished = JSON.parse(resumed.stdout.trim().split('\n').at(-1)!) as Finished;
    expect(finished.state).toBe('completed');
    expect(finished.history).toEqual(reference.history);
    expect(finished.result).toMatchObject({ bestEpoch: reference.result!.bestEpoch, bestValLoss: reference.result!.bestValLoss, weights: reference.result!.weights });
  });

  it('Ctrl+C pauses with a checkpoint (exit 130), and resume finishes with the same losses', async () => {
    const home = tempDir();
    const paused = await startAndStop(home, 'SIGINT');
    expect(paused.code).toBe(130);
    expect(paused.stdout).toContain(`Resume with: likeness jobs resume ${paused.id}`);
    const shown = JSON.parse((await runCliProcess(['jobs', 'show', paused.id, '--home', home, '--json'])).stdout) as Job;
    expect(shown).toMatchObject({ state: 'paused', resumable: true });
    const resumed = await runCliProcess(['jobs', 'resume', paused.id, '--home', home, '--json']);
    const finished = JSON.parse(resumed.stdout.trim().split('\n').at(-1)!) as Finished;
    expect(finished.history).toEqual(reference.history);
  });

  it('cancel stops a running training for good', async () => {
    const studio = openStudio(tempDir());
    let id = '';
    studio.events.subscribe((name, payload) => {
      if (name === 'job.point' && (payload as { id: string }).id === id && studio.jobs.isRunning(id)) studio.jobs.cancel(id);
    });
    id = studio.jobs.start('train', { recipe: 'toy-regression', epochs: 50, threads: 1 }).id;
    const job = await studio.jobs.settled(id);
    expect(job).toMatchObject({ state: 'cancelled', resumable: false });
    expect(job.metrics!.step).toBeLessThan(job.metrics!.totalSteps);
    expect(() => studio.jobs.resume(id)).toThrow(/cannot be resumed/);
    await studio.close();
  });

  it('asked for CUDA where there is none, trains on the CPU and says why', async () => {
    const studio = openStudio(tempDir());
    const job = await studio.jobs.settled(studio.jobs.start('train', { recipe: 'toy-regression', epochs: 1, provider: 'cuda', threads: 1 }).id);
    expect(job.state).toBe('completed');
    expect(job.metrics!.device).toBe('cpu, 1 thread');
    expect(job.metrics!.deviceNote).toMatch(/cuda was asked for but is not installed.*using cpu/);
    await studio.close();
  });

  it('stops a diverging run with a clear message', async () => {
    const studio = openStudio(tempDir());
    const job = await studio.jobs.settled(studio.jobs.start('train', { recipe: 'toy-regression', epochs: 2, learningRate: 1e9, threads: 1 }).id);
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(/Training diverged at step \d+ \(loss (NaN|Infinity)\)\. The last good checkpoint is kept/);
    await studio.close();
  });

  it('refuses an unknown recipe by name, from the contract and the CLI', async () => {
    const studio = openStudio(tempDir());
    const { parseTrainInput } = await import('../../../main/core/ml/train/job.js');
    expect(() => parseTrainInput({ recipe: 'no-such-recipe' })).toThrow(/No training recipe no-such-recipe/);
    await studio.close();
    const cli = await runCliProcess(['train', 'no-such-recipe', '--home', tempDir()]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('No training recipe no-such-recipe');
  });
});
