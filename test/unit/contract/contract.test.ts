// The contract: schemas for every call and event, the typed client, and the dispatcher's validation and error handling.
import { describe, expect, it } from 'vitest';
import { createDispatcher, type Handlers } from '../../../main/bridge/dispatch.js';
import { LikenessError, calls, createClient, events, type LikenessBridge } from '../../../main/contract/index.js';

const job = {
  id: 'job_0123456789abcdef',
  kind: 'store.verify',
  title: 'Verify library',
  state: 'running',
  progress: { fraction: 0.5, message: 'half', etaSeconds: 3 },
  result: null,
  error: null,
  resumable: false,
  metrics: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
} as const;

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const unused = () => {
    throw new Error('not used in this test');
  };
  const base = Object.fromEntries(Object.keys(calls).map((name) => [name, unused])) as unknown as Handlers;
  return {
    ...base,
    'settings.get': () => ({ theme: 'dark', reducedMotion: false }),
    'jobs.list': ({ limit }) => Array.from({ length: Math.min(limit, 2) }, () => ({ ...job })),
    ...overrides,
  };
}

describe('contract', () => {
  it('gives every call an input and an output schema, and every event a payload schema', () => {
    for (const [name, spec] of Object.entries(calls)) {
      expect(name).toMatch(/^[a-z]+(\.[a-zA-Z]+)+$/);
      expect(typeof spec.input.safeParse).toBe('function');
      expect(typeof spec.output.safeParse).toBe('function');
    }
    expect(Object.keys(events)).toContain('job.updated');
  });

  it('rejects extra fields and wrong types in inputs', () => {
    expect(calls['settings.update'].input.safeParse({ theme: 'neon' }).success).toBe(false);
    expect(calls['settings.update'].input.safeParse({ theme: 'dark', admin: true }).success).toBe(false);
    expect(calls['jobs.cancel'].input.safeParse({ id: '../../etc' }).success).toBe(false);
    expect(calls['jobs.list'].input.parse({})).toEqual({ limit: 50 });
  });
});

describe('dispatcher', () => {
  it('answers a valid call with the handler value, defaults applied', async () => {
    const d = createDispatcher(handlers());
    expect(await d.invoke('jobs.list', {})).toEqual({ ok: true, value: [job, job] });
  });

  it('names an unknown call, and does not treat prototype keys as calls', async () => {
    const d = createDispatcher(handlers());
    expect(await d.invoke('jobs.explode', {})).toMatchObject({ ok: false, error: { code: 'unknown-call' } });
    expect(await d.invoke('constructor', {})).toMatchObject({ ok: false, error: { code: 'unknown-call' } });
    expect(await d.invoke('__proto__', {})).toMatchObject({ ok: false, error: { code: 'unknown-call' } });
  });

  it('lists each invalid field', async () => {
    const d = createDispatcher(handlers());
    const answer = await d.invoke('jobs.list', { limit: 'lots' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid-input', issues: [{ path: 'limit' }] } });
  });

  it('passes studio errors through with their code', async () => {
    const d = createDispatcher(
      handlers({
        'jobs.cancel': () => {
          throw new LikenessError('conflict', 'already finished');
        },
      }),
    );
    expect(await d.invoke('jobs.cancel', { id: job.id })).toEqual({ ok: false, error: { code: 'conflict', message: 'already finished' } });
  });

  it('hides the detail of unexpected failures from the caller but logs it', async () => {
    const logged: string[] = [];
    const d = createDispatcher(
      handlers({
        'settings.get': () => {
          throw new Error('secret /home/me/.keys/owner.json exploded');
        },
      }),
      (m) => logged.push(m),
    );
    const answer = await d.invoke('settings.get', {});
    expect(answer).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(answer)).not.toContain('secret');
    expect(logged.join('\n')).toContain('exploded');
  });

  it('refuses handler output that breaks the contract', async () => {
    const d = createDispatcher(handlers({ 'settings.get': () => ({ theme: 'neon', reducedMotion: 'no' }) as never }), () => undefined);
    expect(await d.invoke('settings.get', {})).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});

describe('typed client', () => {
  function bridgeOf(answer: unknown, emitted: [string, unknown][] = []): LikenessBridge {
    return {
      transport: 'loopback',
      invoke: async () => answer as never,
      subscribe(listener) {
        for (const [name, payload] of emitted) listener(name, payload);
        return () => undefined;
      },
    };
  }

  it('returns parsed values and throws LikenessError with the code on failure', async () => {
    expect(await createClient(bridgeOf({ ok: true, value: { theme: 'light', reducedMotion: true } })).call('settings.get', {})).toEqual({
      theme: 'light',
      reducedMotion: true,
    });
    await expect(createClient(bridgeOf({ ok: false, error: { code: 'home-locked', message: 'busy' } })).call('settings.get', {})).rejects.toMatchObject({
      code: 'home-locked',
      message: 'busy',
    });
  });

  it('refuses replies that do not match the contract', async () => {
    await expect(createClient(bridgeOf({ ok: true, value: { theme: 7 } })).call('settings.get', {})).rejects.toMatchObject({ code: 'internal' });
  });

  it('delivers only the subscribed event, and only valid payloads', () => {
    const received: unknown[] = [];
    const client = createClient(
      bridgeOf(null, [
        ['settings.changed', { theme: 'dark', reducedMotion: false }],
        ['job.updated', job],
        ['job.updated', { id: 'broken' }],
      ]),
    );
    client.on('job.updated', (payload) => received.push(payload));
    expect(received).toEqual([job]);
  });
});
