// Loopback transport: token, Origin and Host checks, bad input of every kind, static files, and events over WebSocket.
import { request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createDispatcher } from '../../../main/bridge/dispatch.js';
import { createHandlers } from '../../../main/bridge/handlers.js';
import { type LoopbackServer, startLoopbackServer } from '../../../main/bridge/loopback-server.js';
import type { Job } from '../../../main/contract/models.js';
import { type Studio, openStudio } from '../../../main/core/studio.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

let studio: Studio;
let server: LoopbackServer;
let home: string;
let base: string;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'likeness-bridge-'));
  const ui = join(home, 'ui');
  mkdirSync(join(ui, 'assets'), { recursive: true });
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>studio</title>');
  writeFileSync(join(ui, 'assets', 'app.js'), 'console.log(1)');
  studio = openStudio(join(home, 'data'));
  server = await startLoopbackServer({
    dispatcher: createDispatcher(createHandlers(studio, 'loopback'), () => undefined),
    events: studio.events,
    staticDir: ui,
    maxBodyBytes: 64 * 1024,
  });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server.close();
  await studio.close();
  rmSync(home, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: { ok: boolean; value?: unknown; error?: { code: string; message: string; issues?: { path: string }[] } };
  headers: Headers;
}

async function call(name: string, body: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${base}/api/call/${name}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}`, ...headers },
    body,
  });
  return { status: response.status, body: (await response.json()) as Answer['body'], headers: response.headers };
}

/** fetch() cannot send a forged Host header, so this one goes through node:http. */
function rawRequest(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: 'POST', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end('{}');
  });
}

describe('loopback transport', () => {
  it('listens on 127.0.0.1 only and prints a URL that carries the token in the fragment', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('answers a valid call', async () => {
    const answer = await call('app.info', '{}');
    expect(answer.status).toBe(200);
    expect(answer.body.value).toMatchObject({ transport: 'loopback', name: 'Likeness Studio' });
  });

  it('refuses a call without a token (401) or with a wrong one (403)', async () => {
    const none = await call('app.info', '{}', { Authorization: '' });
    expect(none.status).toBe(401);
    expect(none.body.error).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/Missing token/) });
    const wrong = await call('app.info', '{}', { Authorization: 'Bearer not-the-token' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error?.message).toMatch(/Wrong token/);
  });

  it('refuses requests from another web page (foreign Origin) even with the token', async () => {
    const answer = await call('app.info', '{}', { Origin: 'https://evil.example' });
    expect(answer.status).toBe(403);
    expect(answer.body.error?.message).toMatch(/origin https:\/\/evil.example/);
    expect((await call('app.info', '{}', { Origin: base })).status).toBe(200);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    expect(await rawRequest('/api/call/app.info', { Host: 'attacker.example', Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' })).toBe(403);
  });

  it('names invalid input field by field (400)', async () => {
    const answer = await call('jobs.start', '{"kind":"format-disk"}');
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'invalid-input', issues: [{ path: 'kind' }] });
  });

  it('says an unknown call is unknown (404)', async () => {
    const answer = await call('wallet.drain', '{}');
    expect(answer.status).toBe(404);
    expect(answer.body.error?.code).toBe('unknown-call');
  });

  it('says malformed JSON is malformed (400)', async () => {
    const answer = await call('app.info', '{"unterminated');
    expect(answer.status).toBe(400);
    expect(answer.body.error?.message).toMatch(/not valid JSON/);
  });

  it('caps the body size (413)', async () => {
    const answer = await call('settings.update', JSON.stringify({ theme: 'x'.repeat(100 * 1024) }));
    expect(answer.status).toBe(413);
    expect(answer.body.error?.code).toBe('payload-too-large');
  });

  it('requires JSON and POST', async () => {
    expect((await call('app.info', '{}', { 'Content-Type': 'text/plain' })).status).toBe(400);
    const get = await fetch(`${base}/api/call/app.info`, { headers: { Authorization: `Bearer ${server.token}` } });
    expect(get.status).toBe(400);
  });

  it('serves the UI with a strict CSP, falls back to index.html for routes, and never leaves its folder', async () => {
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(`${base}/assets/app.js`)).headers.get('content-type')).toMatch(/javascript/);
    expect(await (await fetch(`${base}/settings`)).text()).toContain('<title>studio</title>');
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${base}/%2e%2e/data/studio.db`)).status).toBe(404);
    const escape = await (await fetch(`${base}/..%2f..%2f..%2f..%2fetc%2fpasswd`)).text();
    expect(escape).not.toContain('root:');
    expect(escape).toContain('<title>studio</title>');
  });

  it('streams job events over the WebSocket to a client with the token', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`, { origin: base });
    await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)));
    const states: string[] = [];
    const finished = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        const { event, payload } = JSON.parse(String(data)) as { event: string; payload: Job };
        if (event === 'job.updated') states.push(payload.state);
        if (payload.state === 'completed') resolve();
      }),
    );
    const started = await call('jobs.start', '{"kind":"store.gc"}');
    expect(started.status).toBe(200);
    await finished;
    expect(states).toEqual(expect.arrayContaining(['queued', 'running', 'completed']));
    socket.close();
  });

  it('refuses a WebSocket without the token or from another origin', async () => {
    const attempt = (url: string, origin: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url, { origin });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => resolve(-1));
        ws.on('open', () => (ws.close(), resolve(101)));
      });
    expect(await attempt(`ws://127.0.0.1:${server.port}/api/events`, base)).toBe(401);
    expect(await attempt(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`, 'https://evil.example')).toBe(403);
  });
});
