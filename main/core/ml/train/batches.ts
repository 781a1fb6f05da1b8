// Deterministic batching: the order of examples in each epoch depends only on (seed, epoch); main process and workers.
import { randomStream } from '../graph/index.js';
import type { Example } from './recipe.js';

export function epochOrder(count: number, seed: number, epoch: number): number[] {
  const next = randomStream(`order/${seed}/${epoch}`);
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** Stacks examples into one batch per input name, in the order given. */
export function stack(examples: readonly Example[], indices: readonly number[]): Record<string, Float32Array> {
  const first = examples[indices[0]!];
  if (!first) throw new Error('cannot build a batch from no examples');
  const batch: Record<string, Float32Array> = {};
  for (const [name, value] of Object.entries(first)) {
    const out = new Float32Array(value.length * indices.length);
    indices.forEach((index, k) => {
      const example = examples[index]?.[name];
      if (!example || example.length !== value.length) throw new Error(`example ${index} has no '${name}' of ${value.length} values`);
      out.set(example, k * value.length);
    });
    batch[name] = out;
  }
  return batch;
}

/** Runs per epoch: each run takes batchSize x stepsPerRun examples; the remainder waits for the next epoch's shuffle. */
export function runsPerEpoch(examples: number, batchSize: number, stepsPerRun: number): number {
  return Math.floor(examples / (batchSize * stepsPerRun));
}

export function runIndices(order: readonly number[], run: number, batchSize: number, stepsPerRun: number): number[] {
  const size = batchSize * stepsPerRun;
  return order.slice(run * size, (run + 1) * size);
}
