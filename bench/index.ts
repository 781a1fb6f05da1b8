// `npm run bench -- <name> [--json]`: runs one named benchmark (or all) and prints its metrics.
import { parseArgs } from 'node:util';
import { bridgeBenchmark } from './bridge.bench.js';
import { captureBenchmark } from './capture.bench.js';
import { chainBenchmark } from './chain.bench.js';
import { composeBenchmark } from './compose.bench.js';
import { faceBenchmark } from './face.bench.js';
import { type Benchmark, formatTable, machine } from './harness.js';
import { storeBenchmark } from './store.bench.js';
import { trainingBenchmark } from './training.bench.js';
import { twinBenchmark } from './twin.bench.js';
import { voiceBenchmark } from './voice.bench.js';

const benchmarks: Record<string, Benchmark> = { store: storeBenchmark, bridge: bridgeBenchmark, training: trainingBenchmark, capture: captureBenchmark, voice: voiceBenchmark, face: faceBenchmark, twin: twinBenchmark, chain: chainBenchmark, compose: composeBenchmark };

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, allowPositionals: true });
  const names = positionals.length > 0 ? positionals : Object.keys(benchmarks);
  const unknown = names.filter((n) => !benchmarks[n]);
  if (unknown.length > 0) {
    console.error(`Unknown benchmark ${unknown.join(', ')}. Available: ${Object.keys(benchmarks).join(', ')}`);
    return 2;
  }
  for (const name of names) {
    const bench = benchmarks[name]!;
    const metrics = await bench.run();
    if (values.json) console.log(JSON.stringify({ name, metrics, machine: machine() }));
    else console.log(formatTable(bench, metrics));
  }
  return 0;
}
