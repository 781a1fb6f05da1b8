// Loopback transport (`likeness serve`): HTTP calls and WebSocket events on 127.0.0.1, a per-run token, Origin and Host checked; main process.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer } from 'ws';
import type { ErrorBody, ErrorCode } from '../contract/errors.js';
import type { StudioEvents } from '../core/events.js';
import type { Dispatcher } from './dispatch.js';
import { statusOf } from './http-status.js';

export const MAX_BODY_BYTES = 1024 * 1024;
const CALL_PATH = /^\/api\/call\/([A-Za-z0-9._-]{1,100})$/;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

export interface LoopbackOptions {
  dispatcher: Dispatcher;
  events: StudioEvents;
  /** 0 picks a free port. */
  port?: number;
  /** Built renderer (dist/renderer); without it only the API is served. */
  staticDir?: string;
  token?: string;
  maxBodyBytes?: number;
}

export interface LoopbackServer {
  readonly port: number;
  readonly token: string;
  /** Opens the UI; the token travels in the fragment, which browsers never send to servers or in Referer headers. */
  readonly url: string;
  close(): Promise<void>;
}

export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function sameToken(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export async function startLoopbackServer(options: LoopbackOptions): Promise<LoopbackServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES;
  let port = 0;

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  /** Blocks DNS rebinding (Host) and other web pages (Origin); returns the reason when refused. */
  function refuse(req: IncomingMessage): { code: ErrorCode; message: string } | undefined {
    if (!allowedHosts().has(req.headers.host ?? '')) return { code: 'forbidden', message: `Host ${JSON.stringify(req.headers.host ?? '')} is not this studio.` };
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) return { code: 'forbidden', message: `Requests from origin ${origin} are not allowed.` };
    return undefined;
  }

  function tokenProblem(given: string | undefined): { code: ErrorCode; message: string } | undefined {
    if (given === undefined || given === '') return { code: 'unauthorized', message: 'Missing token: use the URL that `likeness serve` printed.' };
    if (!sameToken(given, token)) return { code: 'forbidden', message: 'Wrong token: this studio was restarted or the URL is from another run.' };
    return undefined;
  }

  function sendError(res: ServerResponse, error: ErrorBody): void {
    sendJson(res, statusOf[error.code], { ok: false, error });
  }

  async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > maxBody) return 'too-large';
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBody) return 'too-large';
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  async function handleCall(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return sendError(res, { code: 'bad-request', message: `Calls use POST, not ${req.method}.` });
    }
    const auth = req.headers.authorization;
    const problem = tokenProblem(auth?.startsWith('Bearer ') ? auth.slice(7) : undefined);
    if (problem) return sendError(res, problem);
    const type = req.headers['content-type'] ?? '';
    if (!type.startsWith('application/json')) return sendError(res, { code: 'bad-request', message: 'Send the input as application/json.' });
    const body = await readBody(req);
    if (body === 'too-large') {
      res.setHeader('Connection', 'close');
      sendError(res, { code: 'payload-too-large', message: `Input is larger than ${maxBody} bytes.` });
      req.destroy();
      return;
    }
    let input: unknown = {};
    if (body.length > 0) {
      try {
        input = JSON.parse(body.toString('utf8'));
      } catch (error) {
        return sendError(res, { code: 'bad-request', message: `Input is not valid JSON: ${error instanceof Error ? error.message : error}` });
      }
    }
    const envelope = await options.dispatcher.invoke(name, input);
    sendJson(res, envelope.ok ? 200 : statusOf[envelope.error.code], envelope);
  }

  function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    const root = options.staticDir;
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, { code: 'bad-request', message: `${req.method} is not served here.` });
    if (root === undefined || !existsSync(join(root, 'index.html'))) {
      return sendError(res, { code: 'not-found', message: 'The UI is not built: run `npm run build`, then start `likeness serve` again.' });
    }
    let relative: string;
    try {
      relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
    } catch {
      return sendError(res, { code: 'bad-request', message: 'Malformed path.' });
    }
    let file = join(root, relative);
    if (!(file + sep).startsWith(root + sep) && file !== root) return sendError(res, { code: 'not-found', message: 'Not found.' });
    if (!existsSync(file) || !statSync(file).isFile()) {
      if (extname(relative) !== '') return sendError(res, { code: 'not-found', message: `No file ${pathname}.` });
      file = join(root, 'index.html');
    }
    res.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': contentSecurityPolicy(port),
      'Cache-Control': file.endsWith('index.html') ? 'no-store' : 'max-age=3600',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  }

  const server = createServer((req, res) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    const refused = refuse(req);
    if (refused) return sendError(res, refused);
    const pathname = (req.url ?? '/').split('?')[0]!;
    const call = CALL_PATH.exec(pathname);
    if (call) {
      handleCall(req, res, call[1]!).catch((error: unknown) => {
        sendError(res, { code: 'internal', message: error instanceof Error ? error.message : 'internal error' });
      });
      return;
    }
    if (pathname.startsWith('/api/')) return sendError(res, { code: 'unknown-call', message: `No endpoint ${pathname}.` });
    serveStatic(req, res, pathname);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const problem = refuse(req) ?? (url.pathname === '/api/events' ? tokenProblem(url.searchParams.get('token') ?? undefined) : { code: 'not-found' as const, message: 'No such socket.' });
    if (problem) {
      socket.end(`HTTP/1.1 ${statusOf[problem.code]} ${problem.message.replace(/[\r\n]/g, ' ')}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const unsubscribe = options.events.subscribe((event, payload) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }));
      });
      ws.on('close', unsubscribe);
      ws.on('error', unsubscribe);
      // The channel is one-way: anything the page sends is ignored.
      ws.on('message', () => undefined);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/#token=${token}`,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}
