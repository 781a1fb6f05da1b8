// Bridge benchmark: round trip of one small call over the loopback transport, median of 1000 sequential calls.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDispatcher } from '../main/bridge/dispatch.js';
import { createHandlers } from '../main/bridge/handlers.js';
import { startLoopbackServer } from '../main/bridge/loopback-server.js';
import { openStudio } from '../main/core/studio.js';
import { type Benchmark, median, round } from './harness.js';

const CALLS = 1000;
const WARMUP = 50;

export const bridgeBenchmark: Benchmark = {
  name: 'bridge',
  description: `loopback HTTP transport, settings.get with token, Origin and schema checks; median of ${CALLS} calls`,
  units: { roundTripMs: 'ms', p95Ms: 'ms' },
  async run() {
    const home = mkdtempSync(join(tmpdir(), 'likeness-bench-bridge-'));
    const studio = openStudio(home);
    const server = await startLoopbackServer({ dispatcher: createDispatcher(createHandlers(studio, 'loopback')), events: studio.events });
    try {
      const url = `http://127.0.0.1:${server.port}/api/call/settings.get`;
      const init = { method: 'POST', headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' }, body: '{}' };
      const times: number[] = [];
      for (let i = 0; i < WARMUP + CALLS; i++) {
        const t = performance.now();
        const response = await fetch(url, init);
        const body = (await response.json()) as { ok: boolean };
        if (!body.ok) throw new Error('call failed');
        if (i >= WARMUP) times.push(performance.now() - t);
      }
      const sorted = [...times].sort((a, b) => a - b);
      return { roundTripMs: round(median(times)), p95Ms: round(sorted[Math.floor(sorted.length * 0.95)]!) };
    } finally {
      await server.close();
      await studio.close();
      rmSync(home, { recursive: true, force: true });
    }
  },
};
