// The training loop: epochs of train-step runs, validation, early stopping, best and latest checkpoints, resume; training worker.
import type { LossPoint, TrainingMetrics } from '../../../contract/models.js';
import {
  type TrainState,
  architectureHash,
  buildInference,
  buildTrainStep,
  decodeTrainState,
  encodeTrainState,
  encodeWeights,
  initWeights,
  initialTrainState,
  readTrainOutputs,
  trainFeeds,
} from '../graph/index.js';
import type { Provider } from '../runtime/providers.js';
import { type OpenedSession, SessionCache, chooseThreads, openSession, providerChoice } from '../runtime/sessions.js';
import { floatOutput, toOrtFeeds } from '../runtime/tensors.js';
import { epochOrder, runIndices, runsPerEpoch, stack } from './batches.js';
import { type CheckpointMeta, decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import type { RecipeDefinition } from './recipe.js';
import { CONSTANT_RATE, learningRateAt } from './schedule.js';

export type StopReason = 'pause' | 'cancel' | 'shutdown';

export interface LoopOptions {
  epochs: number;
  seed: number;
  provider?: Provider;
  threads?: number;
  learningRate?: number;
  checkpointEveryMs: number;
}

export interface LoopIo {
  stopRequested(): StopReason | undefined;
  report(metrics: TrainingMetrics, message: string): void;
  point(point: LossPoint): void;
  /** A resumed run replays from its checkpoint: points past it are dropped first. */
  rewind(afterStep: number): void;
  saveLatest(bytes: Uint8Array): void;
  saveBest(bytes: Uint8Array): void;
  loadLatest(): Uint8Array | undefined;
  log(message: string): void;
}

export type LoopOutcome =
  | { kind: 'completed'; bestEpoch: number | null; bestValLoss: number | null; stoppedEarly: boolean; steps: number; device: string }
  | { kind: 'stopped'; reason: StopReason; steps: number };

export class TrainingDiverged extends Error {}

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

export async function runTraining(recipe: RecipeDefinition, options: LoopOptions, io: LoopIo): Promise<LoopOutcome> {
  const batchSize = recipe.batchSize;
  const K = recipe.stepsPerRun;
  const spec = recipe.build(batchSize);
  const trainGraph = buildTrainStep(spec.graph, { loss: spec.loss, steps: K, optimizer: recipe.optimizer });
  const validation = recipe.build(batchSize);
  const validationModel = buildInference(validation.graph, { outputs: { loss: validation.loss } });
  const data = await recipe.data(options.seed);
  const runs = runsPerEpoch(data.train.length, batchSize, K);
  const validationBatches = Math.floor(data.validation.length / batchSize);
  if (runs === 0) throw new Error(`recipe ${recipe.name}: ${data.train.length} training examples are fewer than one run (${batchSize * K})`);
  if (validationBatches === 0) throw new Error(`recipe ${recipe.name}: ${data.validation.length} held-out examples are fewer than one batch (${batchSize})`);
  const totalSteps = options.epochs * runs * K;
  const lr = options.learningRate ?? recipe.learningRate;

  const saved = io.loadLatest();
  let meta: CheckpointMeta;
  let state: TrainState;
  if (saved) {
    const decoded = decodeCheckpoint(saved);
    if (decoded.meta.recipe !== recipe.name || decoded.meta.seed !== options.seed) {
      throw new Error(`the checkpoint belongs to recipe ${decoded.meta.recipe} with seed ${decoded.meta.seed}, not ${recipe.name} with seed ${options.seed}`);
    }
    meta = { ...decoded.meta, epochs: options.epochs };
    state = decodeTrainState(spec.graph, decoded.state);
    io.rewind(state.step);
    io.log(`resuming at step ${state.step} (epoch ${meta.epoch + 1}, run ${meta.run})`);
  } else {
    state = initialTrainState(initWeights(spec.graph, options.seed));
    meta = {
      recipe: recipe.name,
      seed: options.seed,
      epochs: options.epochs,
      epoch: 0,
      run: 0,
      bestEpoch: null,
      bestValLoss: null,
      epochsWithoutImprovement: 0,
      lastTrainLoss: null,
      lastValLoss: null,
      threads: options.threads ?? 0,
      provider: options.provider ?? 'cpu',
    };
  }

  const choice = providerChoice(saved ? meta.provider : options.provider);
  let threads = saved ? meta.threads : (options.threads ?? 0);
  const sampleBatch = stack(data.train, runIndices(epochOrder(data.train.length, options.seed, 0), 0, batchSize, K));
  if (threads === 0) {
    const tuned = await chooseThreads(async (t) => {
      const probe = await openSession(trainGraph.bytes, choice, t);
      try {
        const feeds = toOrtFeeds(trainFeeds(trainGraph, state, sampleBatch, { lr: 0, seed: options.seed }));
        for (let i = 0; i < 2; i++) await probe.session.run(feeds);
        const started = performance.now();
        for (let i = 0; i < 3; i++) await probe.session.run(feeds);
        return (performance.now() - started) / 3000;
      } finally {
        await probe.session.release();
      }
    });
    threads = tuned.threads;
    io.log(`intra-op threads: ${threads} (seconds per run: ${JSON.stringify(tuned.secondsPerStep)})`);
  }
  const sessions = new SessionCache();
  const architecture = architectureHash(spec.graph);
  const trainSession: OpenedSession = await sessions.get({ key: `${architecture}/train/${K}`, bytes: trainGraph.bytes, provider: saved ? meta.provider : options.provider, threads });
  const validationSession = await sessions.get({ key: `${architecture}/validation`, bytes: validationModel.bytes, provider: trainSession.provider, threads });
  // Providers that are simply absent are listed by `likeness doctor`; a fallback from one asked for is news.
  const fallback = meta.provider !== 'cpu' || options.provider ? trainSession.reasons.filter((r) => r.includes('asked for') || r.includes('failed to start')) : [];
  const deviceNote = fallback.length > 0 ? `${fallback.join('; ')}; using ${trainSession.provider}` : null;
  if (deviceNote) io.log(deviceNote);
  const device = `${trainSession.provider}, ${threads} thread${threads === 1 ? '' : 's'}`;
  meta = { ...meta, threads, provider: trainSession.provider };

  const checkpoint = (): void => io.saveLatest(encodeCheckpoint(meta, encodeTrainState(spec.graph, state)));
  let lastCheckpoint = Date.now();
  let measuredFrom = performance.now();
  let measuredExamples = 0;
  let lastSpeed: number | null = null;
  const speed = (): number | null => {
    if (measuredExamples > 0) lastSpeed = Math.round(measuredExamples / ((performance.now() - measuredFrom) / 1000));
    return lastSpeed;
  };
  const metrics = (trainLoss: number | null, stoppedEarly = false): TrainingMetrics => ({
    step: state.step,
    totalSteps,
    epoch: meta.epoch,
    epochs: options.epochs,
    trainLoss,
    valLoss: meta.lastValLoss,
    bestEpoch: meta.bestEpoch,
    bestValLoss: meta.bestValLoss,
    examplesPerSec: speed(),
    device,
    deviceNote,
    stoppedEarly,
  });

  try {
    io.report(metrics(meta.lastTrainLoss), `Training on ${device}`);
    while (meta.epoch < options.epochs) {
      const order = epochOrder(data.train.length, options.seed, meta.epoch);
      while (meta.run < runs) {
        const reason = io.stopRequested();
        if (reason) {
          checkpoint();
          return { kind: 'stopped', reason, steps: state.step };
        }
        const batch = stack(data.train, runIndices(order, meta.run, batchSize, K));
        const rate = learningRateAt(lr, recipe.learningRateSchedule ?? CONSTANT_RATE, state.step, totalSteps);
        const outputs = await trainSession.session.run(toOrtFeeds(trainFeeds(trainGraph, state, batch, { lr: rate, seed: options.seed })));
        const result = readTrainOutputs(trainGraph, state, outputs);
        const loss = mean(result.losses);
        if (!result.losses.every(Number.isFinite)) {
          throw new TrainingDiverged(
            `Training diverged at step ${state.step + 1} (loss ${loss}). The last good checkpoint is kept; lower the learning rate and start again.`,
          );
        }
        state = result.state;
        meta = { ...meta, run: meta.run + 1, lastTrainLoss: loss };
        measuredExamples += batchSize * K;
        io.point({ step: state.step, epoch: meta.epoch, trainLoss: loss, valLoss: null });
        io.report(metrics(loss), `Epoch ${meta.epoch + 1} of ${options.epochs}`);
        if (Date.now() - lastCheckpoint >= options.checkpointEveryMs) {
          checkpoint();
          lastCheckpoint = Date.now();
        }
      }
      const valLosses: number[] = [];
      for (let b = 0; b < validationBatches; b++) {
        const batch = stack(
          data.validation,
          Array.from({ length: batchSize }, (_, i) => b * batchSize + i),
        );
        const feeds: Record<string, { dims: readonly number[]; data: Float32Array }> = {};
        for (const input of validation.graph.inputs) feeds[input.name] = { dims: input.shape, data: batch[input.name]! };
        for (const p of validation.graph.params) feeds[p.tensor.name] = { dims: p.tensor.shape, data: state.weights.get(p.tensor.name)! };
        const used = new Set(validationSession.session.inputNames);
        const out = await validationSession.session.run(toOrtFeeds(Object.fromEntries(Object.entries(feeds).filter(([name]) => used.has(name)))));
        valLosses.push(floatOutput(out, 'loss')[0]!);
      }
      const valLoss = mean(valLosses);
      const improved = meta.bestValLoss === null || valLoss < meta.bestValLoss;
      meta = {
        ...meta,
        epoch: meta.epoch + 1,
        run: 0,
        lastValLoss: valLoss,
        bestEpoch: improved ? meta.epoch + 1 : meta.bestEpoch,
        bestValLoss: improved ? valLoss : meta.bestValLoss,
        epochsWithoutImprovement: improved ? 0 : meta.epochsWithoutImprovement + 1,
      };
      io.point({ step: state.step, epoch: meta.epoch, trainLoss: null, valLoss });
      if (improved) io.saveBest(encodeWeights(spec.graph, state.weights));
      checkpoint();
      lastCheckpoint = Date.now();
      measuredFrom = performance.now();
      measuredExamples = 0;
      io.report(metrics(meta.lastTrainLoss), `Epoch ${meta.epoch} of ${options.epochs}: validation loss ${valLoss.toPrecision(4)}`);
      if (meta.epochsWithoutImprovement >= recipe.patience && meta.epoch < options.epochs) {
        io.report(metrics(meta.lastTrainLoss, true), `Stopped early: no better validation loss for ${recipe.patience} epochs`);
        return { kind: 'completed', bestEpoch: meta.bestEpoch, bestValLoss: meta.bestValLoss, stoppedEarly: true, steps: state.step, device };
      }
    }
    return { kind: 'completed', bestEpoch: meta.bestEpoch, bestValLoss: meta.bestValLoss, stoppedEarly: false, steps: state.step, device };
  } finally {
    await sessions.clear();
  }
}
