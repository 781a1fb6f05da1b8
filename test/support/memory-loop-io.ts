// A training loop's I/O kept in memory: the validation losses and the best weights it reported; test process.
import type { LoopIo } from '../../main/core/ml/train/loop.js';

export function memoryIo(): { io: LoopIo; valLosses: number[]; best: Uint8Array[] } {
  const valLosses: number[] = [];
  const best: Uint8Array[] = [];
  const io: LoopIo = {
    stopRequested: () => undefined,
    report: () => undefined,
    point: (p) => {
      if (p.valLoss !== null) valLosses.push(p.valLoss);
    },
    rewind: () => undefined,
    saveLatest: () => undefined,
    saveBest: (bytes) => best.push(bytes),
    loadLatest: () => undefined,
    log: () => undefined,
  };
  return { io, valLosses, best };
}
