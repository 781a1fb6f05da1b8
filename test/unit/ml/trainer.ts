// Test helper: runs a train-step graph in an onnxruntime session, one call per session.run.
import * as ort from 'onnxruntime-node';
import { readTrainOutputs, trainFeeds } from '../../../main/core/ml/graph/index.js';
import type { TrainResult, TrainState, TrainStepGraph } from '../../../main/core/ml/graph/index.js';
import { toOrtFeeds } from './gradcheck.js';

export interface Trainer {
  run(state: TrainState, batch: Readonly<Record<string, Float32Array>>, lr: number, seed?: number): Promise<TrainResult>;
  release(): Promise<void>;
}

/** One thread per session: vitest runs test files in parallel on the two cores. */
export async function openTrainer(graph: TrainStepGraph): Promise<Trainer> {
  const session = await ort.InferenceSession.create(graph.bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  return {
    async run(state, batch, lr, seed = 1) {
      const out = await session.run(toOrtFeeds(trainFeeds(graph, state, batch, { lr, seed })));
      return readTrainOutputs(graph, state, out);
    },
    release: () => session.release(),
  };
}
