// Jobs: progress events, cancel, resume from a checkpoint, and jobs interrupted by a crash.
import { describe, expect, it } from 'vitest';
import type { Job } from '../../../main/contract/models.js';
import { join } from 'node:path';
import { StudioEvents } from '../../../main/core/events.js';
import { JobManager, type JobRunner, estimateEta } from '../../../main/core/jobs/manager.js';
import { openDatabase } from '../../../main/core/store/database.js';
import { migrations } from '../../../main/core/store/migrations.js';
import { JobsRepository } from '../../../main/core/store/repositories/jobs.js';
import { openStudio } from '../../../main/core/studio.js';
import { tempDir } from '../../support/tmp.js';

async function studioWithBlobs(count: number) {
  const home = tempDir();
  const studio = openStudio(home);
  for (let i = 0; i < count; i++) await studio.blobs.put(Buffer.from(`blob ${i}`), { mediaType: 'x', owner: `o${i}` });
  return { studio, home };
}

function collect(studio: ReturnType<typeof openStudio>) {
  const seen: Job[] = [];
  studio.events.subscribe((name, payload) => {
    if (name === 'job.updated') seen.push(payload as Job);
  });
  return seen;
}

describe('job manager', () => {
  it('streams progress and completes with a result', async () => {
    const { studio } = await studioWithBlobs(5);
    const seen = collect(studio);
    const job = studio.jobs.start('store.verify');
    const done = await studio.jobs.settled(job.id);
    expect(done.state).toBe('completed');
    expect(done.result).toMatchObject({ checked: 5, damaged: 0 });
    expect(seen.map((j) => j.state)).toEqual(expect.arrayContaining(['queued', 'running', 'completed']));
    expect(seen.at(-1)!.progress.fraction).toBe(1);
    await studio.close();
  });

  it('pauses a running job, then resumes it from its checkpoint to the same result', async () => {
    const db = openDatabase(join(tempDir(), 'studio.db'), migrations);
    const events = new StudioEvents();
    const starts: number[] = [];
    let release: () => void = () => undefined;
    const counter: JobRunner = {
      title: 'Count to ten',
      async run(context) {
        const from = typeof context.checkpoint === 'number' ? context.checkpoint : 0;
        starts.push(from);
        let sum = 0;
        for (let i = 0; i < from; i++) sum += i;
        for (let i = from; i < 10; i++) {
          await new Promise<void>((resolve) => (release = resolve));
          context.signal.throwIfAborted();
          sum += i;
          context.saveCheckpoint(i + 1);
          context.report(i + 1, 10, `step ${i + 1}`);
        }
        return { sum };
      },
    };
    const manager = new JobManager(new JobsRepository(db), events, { 'store.verify': counter, 'store.gc': counter, train: counter, 'voice.train': counter, 'voice.say': counter, 'face.train': counter, 'face.render': counter, 'compose.render': counter });
    const seen: Job[] = [];
    events.subscribe((_name, payload) => seen.push(payload as Job));
    const { id } = manager.start('store.verify');
    const pump = async (steps: number) => {
      for (let i = 0; i < steps; i++) {
        await new Promise((r) => setImmediate(r));
        release();
      }
    };
    await pump(4);
    await new Promise((r) => setImmediate(r));
    manager.pause(id);
    release();
    const paused = await manager.settled(id);
    expect(paused.state).toBe('paused');
    expect(paused.resumable).toBe(true);
    manager.resume(id);
    const finishing = manager.settled(id);
    await pump(10);
    const done = await finishing;
    expect(done.state).toBe('completed');
    expect(done.result).toEqual({ sum: 45 });
    expect(starts[0]).toBe(0);
    expect(starts[1]).toBeGreaterThanOrEqual(3);
    expect(seen.some((j) => j.state === 'paused')).toBe(true);
    db.close();
  });

  it('reports damaged files found while verifying', async () => {
    const { studio } = await studioWithBlobs(3);
    const [first] = studio.blobs.list();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(studio.blobs.pathOf(first!), 'bit rot');
    const done = await studio.jobs.settled(studio.jobs.start('store.verify').id);
    expect(done.result).toMatchObject({ checked: 3, damaged: 1, damagedDigests: first });
    await studio.close();
  });

  it('marks jobs that were running when the process died as interrupted and resumable', async () => {
    const home = tempDir();
    const studio = openStudio(home);
    studio.db
      .prepare(
        `INSERT INTO jobs (id, kind, title, state, progress, input, created_at, updated_at)
         VALUES ('job_00000000000000aa', 'store.verify', 'Verify library', 'running', '{"fraction":0.5,"message":"x","etaSeconds":3}', 'null', '2026-01-01', '2026-01-01')`,
      )
      .run();
    // Simulates a kill: the lock and rows stay as they were, nothing is closed cleanly.
    studio.db.close();
    const { rmSync } = await import('node:fs');
    rmSync(`${home}/studio.lock`);
    const reopened = openStudio(home);
    const job = reopened.jobs.get('job_00000000000000aa');
    expect(job.state).toBe('interrupted');
    expect(job.resumable).toBe(true);
    reopened.jobs.resume(job.id);
    expect((await reopened.jobs.settled(job.id)).state).toBe('completed');
    await reopened.close();
  });

  it('a cancelled job is final, and cancel abandons a paused one', async () => {
    const { studio } = await studioWithBlobs(1);
    studio.db
      .prepare(
        `INSERT INTO jobs (id, kind, title, state, progress, input, created_at, updated_at)
         VALUES ('job_00000000000000bb', 'store.verify', 'Verify library', 'paused', '{"fraction":0.5,"message":"x","etaSeconds":null}', 'null', '2026-01-01', '2026-01-01')`,
      )
      .run();
    const cancelled = studio.jobs.cancel('job_00000000000000bb');
    expect(cancelled).toMatchObject({ state: 'cancelled', resumable: false });
    expect(() => studio.jobs.resume(cancelled.id)).toThrow(/cannot be resumed/);
    await studio.close();
  });

  it('refuses to cancel a finished job or resume a completed one', async () => {
    const { studio } = await studioWithBlobs(1);
    const job = await studio.jobs.settled(studio.jobs.start('store.gc').id);
    expect(() => studio.jobs.cancel(job.id)).toThrow(/only a running, paused or interrupted job can be cancelled/);
    expect(() => studio.jobs.resume(job.id)).toThrow(/cannot be resumed/);
    expect(() => studio.jobs.get('job_ffffffffffffffff')).toThrow(/No job/);
    await studio.close();
  });

  it('estimates time left only once it has something to go on', () => {
    expect(estimateEta(0, 10_000)).toBeNull();
    expect(estimateEta(0.5, 100)).toBeNull();
    expect(estimateEta(0.25, 10_000)).toBe(30);
    expect(estimateEta(1, 10_000)).toBeNull();
  });
});

describe('job queue', () => {
  it('runs one training at a time: the next waits, and a waiting job can be cancelled', async () => {
    const db = openDatabase(join(tempDir(), 'studio.db'), migrations);
    const events = new StudioEvents();
    const gates: (() => void)[] = [];
    const order: string[] = [];
    const gated: JobRunner = {
      title: 'Gated',
      async run(context) {
        order.push(`start ${context.id}`);
        await new Promise<void>((resolve) => gates.push(resolve));
        order.push(`end ${context.id}`);
        return null;
      },
    };
    const manager = new JobManager(new JobsRepository(db), events, { 'store.verify': gated, 'store.gc': gated, train: gated, 'voice.train': gated, 'voice.say': gated, 'face.train': gated, 'face.render': gated, 'compose.render': gated });
    const a = manager.start('train').id;
    const b = manager.start('train').id;
    const c = manager.start('train').id;
    await new Promise((r) => setImmediate(r));
    expect(manager.isRunning(a)).toBe(true);
    expect(manager.isRunning(b)).toBe(false);
    expect(manager.get(b)).toMatchObject({ state: 'queued', progress: { message: 'Waiting for the running job to finish' } });
    expect(manager.cancel(c).state).toBe('cancelled');
    const bDone = manager.settled(b);
    gates.shift()!();
    await manager.settled(a);
    await new Promise((r) => setImmediate(r));
    expect(manager.isRunning(b)).toBe(true);
    gates.shift()!();
    expect((await bDone).state).toBe('completed');
    expect(order).toEqual([`start ${a}`, `end ${a}`, `start ${b}`, `end ${b}`]);
    db.close();
  });
});
