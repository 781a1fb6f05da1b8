// The training loop itself: divergence keeps the last good checkpoint, a full disk keeps the previous checkpoint, early stopping keeps the best epoch, a rate schedule survives a resume.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LossPoint } from '../../../main/contract/models.js';
import { decodeTrainState, decodeWeights, randomStream } from '../../../main/core/ml/graph/index.js';
import { decodeCheckpoint } from '../../../main/core/ml/train/checkpoint.js';
import { type LoopIo, runTraining } from '../../../main/core/ml/train/loop.js';
import type { RecipeDefinition } from '../../../main/core/ml/train/recipe.js';
import { toyRegression } from '../../../main/core/ml/train/toy-recipes.js';
import { saveCheckpointFile } from '../../../main/core/ml/train/worker.js';
import { canMount, tmpfs } from '../../support/tmp.js';

function memoryIo(initial?: Uint8Array) {
  const state = { latest: initial, best: [] as Uint8Array[], points: [] as LossPoint[], saves: 0 };
  const io: LoopIo = {
    stopRequested: () => undefined,
    report: () => undefined,
    point: (p) => state.points.push(p),
    rewind: (after) => (state.points = state.points.filter((p) => p.step <= after)),
    saveLatest: (bytes) => {
      state.latest = bytes;
      state.saves++;
    },
    saveBest: (bytes) => state.best.push(bytes),
    loadLatest: () => state.latest,
    log: () => undefined,
  };
  return { io, state };
}

const options = { seed: 1, threads: 1, checkpointEveryMs: 60_000 };

describe('training loop', () => {
  it('stops on a NaN or infinite loss with a message and leaves the last good checkpoint untouched', async () => {
    const first = memoryIo();
    const done = await runTraining(toyRegression, { ...options, epochs: 2 }, first.io);
    expect(done.kind).toBe('completed');
    const good = first.state.latest!;

    const second = memoryIo(good);
    await expect(runTraining(toyRegression, { ...options, epochs: 4, learningRate: 1e9 }, second.io)).rejects.toThrow(
      /Training diverged at step \d+ .*The last good checkpoint is kept/,
    );
    expect(second.state.saves).toBe(0);
    expect(second.state.latest).toBe(good);
    const { meta, state } = decodeCheckpoint(good);
    expect(meta.epoch).toBe(2);
    const weights = decodeTrainState(toyRegression.build(toyRegression.batchSize).graph, state).weights;
    for (const w of weights.values()) expect(w.every(Number.isFinite)).toBe(true);
  });

  it('stops early when the held-out loss stops improving, keeping the best epoch', async () => {
    // Held-out targets that are pure noise: the validation loss cannot keep improving.
    const noisyValidation: RecipeDefinition = {
      ...toyRegression,
      name: 'noisy-validation',
      patience: 2,
      async data(seed) {
        const base = await toyRegression.data(seed);
        const next = randomStream(`noise/${seed}`);
        return { train: base.train, validation: base.validation.map((e) => ({ x: e.x!, t: Float32Array.of(4 * next() - 2) })) };
      },
    };
    const run = memoryIo();
    const outcome = await runTraining(noisyValidation, { ...options, epochs: 40 }, run.io);
    expect(outcome).toMatchObject({ kind: 'completed', stoppedEarly: true });
    if (outcome.kind !== 'completed') return;
    const validation = run.state.points.filter((p) => p.valLoss !== null);
    expect(validation.length).toBeLessThan(40);
    const best = validation.reduce((a, b) => (b.valLoss! < a.valLoss! ? b : a));
    expect(outcome.bestEpoch).toBe(best.epoch);
    expect(outcome.bestValLoss).toBe(best.valLoss);
    expect(validation.length - outcome.bestEpoch!).toBe(2);
    const bestWeights = decodeWeights(toyRegression.build(toyRegression.batchSize).graph, run.state.best.at(-1)!);
    expect(bestWeights.size).toBeGreaterThan(0);
  });

  it('a cosine schedule changes what is learned, and a run paused and resumed under it ends where an unbroken run does', async () => {
    const cosine: RecipeDefinition = { ...toyRegression, name: 'toy-cosine', learningRateSchedule: { kind: 'cosine', warmup: 0.1, floor: 0.05 } };
    const finalWeights = (latest: Uint8Array) => [...decodeTrainState(cosine.build(cosine.batchSize).graph, decodeCheckpoint(latest).state).weights.values()];
    const unbroken = memoryIo();
    await runTraining(cosine, { ...options, epochs: 3 }, unbroken.io);
    const constant = memoryIo();
    await runTraining(toyRegression, { ...options, epochs: 3 }, constant.io);
    expect(finalWeights(unbroken.state.latest!)).not.toEqual(finalWeights(constant.state.latest!));

    const paused = memoryIo();
    let runs = 0;
    paused.io.stopRequested = () => (++runs > 20 ? 'pause' : undefined);
    expect(await runTraining(cosine, { ...options, epochs: 3 }, paused.io)).toMatchObject({ kind: 'stopped', reason: 'pause' });
    const resumed = memoryIo(paused.state.latest);
    await runTraining(cosine, { ...options, epochs: 3 }, resumed.io);
    expect(finalWeights(resumed.state.latest!)).toEqual(finalWeights(unbroken.state.latest!));
  });

  it.skipIf(!canMount)('a full disk fails the checkpoint write and keeps the previous checkpoint whole', () => {
    const dir = tmpfs(256)!;
    const first = new Uint8Array(64 * 1024).fill(1);
    saveCheckpointFile(dir, 'latest.ckpt', first);
    writeFileSync(join(dir, 'filler'), new Uint8Array(150 * 1024));
    expect(() => saveCheckpointFile(dir, 'latest.ckpt', new Uint8Array(96 * 1024).fill(2))).toThrow(/disk holding .* is full, so the checkpoint \(the previous one is kept\) was not saved/);
    expect(new Uint8Array(readFileSync(join(dir, 'latest.ckpt')))).toEqual(first);
    expect(readdirSync(dir).sort()).toEqual(['filler', 'latest.ckpt']);
  });

  it('refuses a checkpoint that is not one, or is cut short', () => {
    expect(() => decodeCheckpoint(new TextEncoder().encode('hello'))).toThrow(/not a Likeness training checkpoint/);
    const bytes = new Uint8Array(20);
    bytes.set(new TextEncoder().encode('LKCKPT01'));
    new DataView(bytes.buffer).setUint32(8, 1000, true);
    expect(() => decodeCheckpoint(bytes)).toThrow(/truncated/);
  });
});
