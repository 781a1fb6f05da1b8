// Benchmark harness: `npm run bench -- <name> [--json]`; a table for people, one JSON line last for machines.
import { cpus, totalmem } from 'node:os';

export type Metrics = Record<string, number>;

export interface Benchmark {
  readonly name: string;
  readonly description: string;
  /** Units of each metric, shown in the table. */
  readonly units: Record<string, string>;
  run(): Promise<Metrics>;
}

export function machine() {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: process.platform,
    arch: process.arch,
    node: process.versions.node,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function formatTable(bench: Benchmark, metrics: Metrics): string {
  const rows = Object.entries(metrics).map(([key, value]) => [key, String(value), bench.units[key] ?? '']);
  const width = Math.max(...rows.map((r) => r[0]!.length), 6);
  return [`${bench.name}: ${bench.description}`, ...rows.map(([k, v, u]) => `  ${k!.padEnd(width)}  ${v!.padStart(10)} ${u}`)].join('\n');
}
