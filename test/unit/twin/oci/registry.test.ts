// Registry client against a real registry (push, chunked upload, pull, referrers via the tag fallback) and against small fakes for failures.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OciLayout } from '../../../../main/core/twin/oci/layout.js';
import { RegistryClient, RegistryError, pullLayout, pushLayout, referrersTag } from '../../../../main/core/twin/oci/registry.js';
import { EMPTY_DESCRIPTOR, EMPTY_MEDIA_TYPE, INDEX_MEDIA_TYPE, MANIFEST_MEDIA_TYPE, type Descriptor } from '../../../../main/core/twin/oci/types.js';
import { freePort, startRegistry, type RunningRegistry } from '../../../support/registry.js';
import { suiteDir, tempDir } from '../../../support/tmp.js';

const MiB = 1024 * 1024;
const TWIN_TYPE = 'application/vnd.example.twin.v1';
const KEY_TYPE = 'application/vnd.example.key-envelope.v1';

function sha(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function snapshot(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const stat = statSync(join(dir, rel, name));
      if (stat.isDirectory()) walk(join(rel, name));
      else out[join(rel, name)] = stat.size;
    }
  };
  walk('');
  return out;
}

async function failure(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistryError);
  return error as RegistryError;
}

interface Sample {
  layout: OciLayout;
  dir: string;
  root: Descriptor;
  referrer: Descriptor;
  blobs: Descriptor[];
}

/** A twin-shaped artifact: a config, two layers (one of 2.5+ MiB) and one referrer that names it as subject. */
async function sampleLayout(dir: string): Promise<Sample> {
  const layout = await OciLayout.create(dir);
  const config = await layout.putJson({ owner: '0x1234', consent: 'sha256:…' }, 'application/vnd.example.twin.config.v1+json');
  const bigBytes = Buffer.alloc(Math.floor(2.6 * MiB));
  for (let i = 0; i < bigBytes.length; i++) bigBytes[i] = (i * 31 + (i >> 11)) & 0xff;
  const big = await layout.putBlob(bigBytes, 'application/vnd.example.weights.enc');
  const small = await layout.putBlob(Buffer.from('voice and face assets'), 'application/vnd.example.assets.enc');
  const rootDescriptor = await layout.putJson({ schemaVersion: 2, mediaType: MANIFEST_MEDIA_TYPE, artifactType: TWIN_TYPE, config, layers: [big, small] }, MANIFEST_MEDIA_TYPE);
  const root = { ...rootDescriptor, artifactType: TWIN_TYPE };
  layout.addToIndex(root);
  const empty = await layout.putJson({}, EMPTY_MEDIA_TYPE);
  const envelope = await layout.putBlob(Buffer.from('content key wrapped to a recipient'), 'application/vnd.example.envelope');
  const referrerDescriptor = await layout.putJson(
    {
      schemaVersion: 2,
      mediaType: MANIFEST_MEDIA_TYPE,
      artifactType: KEY_TYPE,
      config: EMPTY_DESCRIPTOR,
      layers: [envelope],
      subject: { mediaType: MANIFEST_MEDIA_TYPE, digest: root.digest, size: root.size },
      annotations: { 'org.example.recipient': 'alice' },
    },
    MANIFEST_MEDIA_TYPE,
  );
  const referrer = { ...referrerDescriptor, artifactType: KEY_TYPE };
  layout.addToIndex(referrer);
  return { layout, dir, root, referrer, blobs: [config, big, small, empty, envelope] };
}

describe('RegistryClient against a real registry', () => {
  let registry: RunningRegistry;
  let suite: { dir: string; remove: () => void };
  let sample: Sample;

  beforeAll(async () => {
    registry = await startRegistry();
    suite = suiteDir();
    sample = await sampleLayout(join(suite.dir, 'source'));
  }, 30_000);

  afterAll(async () => {
    await registry?.stop();
    suite?.remove();
  });

  it('pushes a layout in 1 MiB chunks and pulls it back identical, referrers found via the tag fallback', async () => {
    const requests: string[] = [];
    const counting: typeof fetch = (input, init) => {
      requests.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`);
      return fetch(input, init);
    };
    const client = new RegistryClient(registry.url, { chunkBytes: MiB, fetch: counting });
    await pushLayout(client, sample.layout, 'twins/alice', sample.root.digest, 'v1');

    // The big layer went up as three PATCHes (1 + 1 + 0.6 MiB).
    const bigDigest = sample.blobs[1]!.digest;
    const bigUpload = requests.slice(requests.findIndex((r) => r.startsWith(`HEAD /v2/twins/alice/blobs/${bigDigest}`)));
    expect(bigUpload.slice(0, 6).map((r) => r.split(' ')[0])).toEqual(['HEAD', 'POST', 'PATCH', 'PATCH', 'PATCH', 'PUT']);

    // This registry (2.8) has no referrers API, so the referrer is listed under the sha256-<hex> tag.
    const listed = await client.referrers('twins/alice', sample.root.digest);
    expect(listed).toEqual([{ mediaType: MANIFEST_MEDIA_TYPE, digest: sample.referrer.digest, size: sample.referrer.size, artifactType: KEY_TYPE, annotations: { 'org.example.recipient': 'alice' } }]);
    const tagIndex = await client.getManifest('twins/alice', referrersTag(sample.root.digest));
    expect(tagIndex.mediaType).toBe(INDEX_MEDIA_TYPE);

    // Pushing again changes nothing: blobs are skipped after HEAD, the tag index keeps one entry.
    requests.length = 0;
    await pushLayout(client, sample.layout, 'twins/alice', sample.root.digest, 'v1');
    expect(requests.filter((r) => r.startsWith('PATCH'))).toEqual([]);
    expect(await client.referrers('twins/alice', sample.root.digest)).toHaveLength(1);

    const target = await OciLayout.create(join(suite.dir, 'pulled'));
    const digest = await pullLayout(client, 'twins/alice', 'v1', target);
    expect(digest).toBe(sample.root.digest);
    for (const blob of [...sample.blobs, sample.root, sample.referrer]) {
      expect(readFileSync(target.blobPath(blob.digest)).equals(readFileSync(sample.layout.blobPath(blob.digest)))).toBe(true);
    }
    expect(target.listBlobs()).toEqual(sample.layout.listBlobs());
    const index = target.index().manifests;
    expect(index.map((m) => m.digest)).toEqual([sample.root.digest, sample.referrer.digest]);
    expect(index[0]).toMatchObject({ artifactType: TWIN_TYPE, annotations: { 'org.opencontainers.image.ref.name': 'v1' } });
    const referrers = await target.referrers(sample.root.digest);
    expect(referrers.map((r) => r.manifest.artifactType)).toEqual([KEY_TYPE]);
  });

  it('pulls by digest, and streams a verified blob', async () => {
    const client = new RegistryClient(registry.url);
    await pushLayout(client, sample.layout, 'twins/bob', sample.root.digest);
    const target = await OciLayout.create(join(suite.dir, 'by-digest'));
    expect(await pullLayout(client, 'twins/bob', sample.root.digest, target)).toBe(sample.root.digest);
    expect(target.index().manifests[0]?.annotations).toBeUndefined();
    const got: Buffer[] = [];
    await client.fetchBlob(
      'twins/bob',
      sample.blobs[2]!,
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          got.push(chunk);
          callback();
        },
      }),
    );
    expect(Buffer.concat(got).toString()).toBe('voice and face assets');
    const manifest = await client.getManifest('twins/bob', sample.root.digest);
    expect(manifest).toMatchObject({ mediaType: MANIFEST_MEDIA_TYPE, digest: sample.root.digest });
  });

  it('names a missing manifest and a registry-side refusal', async () => {
    const client = new RegistryClient(registry.url);
    const missing = await failure(client.getManifest('twins/nobody', 'v1'));
    expect(missing.reason).toBe('not-found');
    expect(missing.status).toBe(404);
    expect(missing.message).toContain('MANIFEST_UNKNOWN');
    // A manifest whose blobs were never pushed: the registry's error body is quoted.
    const orphan = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MANIFEST_MEDIA_TYPE, config: { mediaType: 'application/json', digest: sha(Buffer.from('nope')), size: 4 }, layers: [] }));
    const refused = await failure(client.pushManifest('twins/orphan', 'v1', orphan, MANIFEST_MEDIA_TYPE));
    expect(refused.reason).toBe('protocol');
    expect(refused.message).toContain('"MANIFEST_BLOB_UNKNOWN');
  });

  it('refuses to push a local blob that does not match its descriptor', async () => {
    const client = new RegistryClient(registry.url);
    const bytes = Buffer.from('local bytes');
    const error = await failure(client.pushBlob('twins/carol', { mediaType: 'application/octet-stream', digest: sha(Buffer.from('other')), size: bytes.length }, () => Readable.from([bytes])));
    expect(error.reason).toBe('digest-mismatch');
  });

  it('reports a registry that is down as unreachable, and leaves the layout alone', async () => {
    const down = await startRegistry();
    await down.stop();
    const before = snapshot(sample.dir);
    const client = new RegistryClient(down.url);
    const push = await failure(pushLayout(client, sample.layout, 'twins/alice', sample.root.digest, 'v1'));
    expect(push.reason).toBe('unreachable');
    expect(push.message).toBe(`The registry at ${down.url} cannot be reached (connection refused)`);
    const target = await OciLayout.create(join(suite.dir, 'never'));
    const targetBefore = snapshot(target.dir);
    const pull = await failure(pullLayout(client, 'twins/alice', 'v1', target));
    expect(pull.reason).toBe('unreachable');
    expect(snapshot(target.dir)).toEqual(targetBefore);
    expect(snapshot(sample.dir)).toEqual(before);
  });
});

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

/** A tiny HTTP server standing in for a misbehaving registry. */
async function fakeRegistry(handler: Handler): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => handler(req, res, Buffer.concat(parts)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('RegistryClient against misbehaving registries', () => {
  const servers: { close: () => Promise<void> }[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });
  async function fake(handler: Handler): Promise<string> {
    const server = await fakeRegistry(handler);
    servers.push(server);
    return server.url;
  }

  it('reports a closed port as unreachable with a clear message', async () => {
    const port = await freePort();
    const error = await failure(new RegistryClient(`http://127.0.0.1:${port}`).getManifest('twins/alice', 'v1'));
    expect(error.reason).toBe('unreachable');
    expect(error.message).toBe(`The registry at http://127.0.0.1:${port} cannot be reached (connection refused)`);
  });

  it('names a 500 as a server failure and quotes the error body', async () => {
    const url = await fake((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'UNKNOWN', message: 'storage backend on fire' }] }));
    });
    const client = new RegistryClient(url);
    const error = await failure(client.getManifest('twins/alice', 'v1'));
    expect(error.reason).toBe('server');
    expect(error.status).toBe(500);
    expect(error.message).toContain('500 Internal Server Error');
    expect(error.message).toContain('"UNKNOWN: storage backend on fire"');
    const push = await failure(client.pushBlob('twins/alice', EMPTY_DESCRIPTOR, () => Readable.from([Buffer.from('{}')])));
    expect(push.reason).toBe('server');
  });

  it('refuses a blob served with the wrong content and renames nothing into the layout', async () => {
    const source = await sampleLayout(tempDir());
    const manifestBytes = readFileSync(source.layout.blobPath(source.root.digest));
    const url = await fake((req, res) => {
      const path = req.url ?? '';
      if (path === '/v2/twins/alice/manifests/v1') {
        res.writeHead(200, { 'content-type': MANIFEST_MEDIA_TYPE, 'docker-content-digest': source.root.digest });
        res.end(manifestBytes);
      } else if (path.startsWith('/v2/twins/alice/blobs/')) {
        const digest = path.slice('/v2/twins/alice/blobs/'.length);
        const real = readFileSync(source.layout.blobPath(digest));
        // Same length, one byte off: only the hash can tell.
        const tampered = Buffer.from(real);
        tampered[tampered.length - 1]! ^= 0xff;
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(tampered.length) });
        res.end(tampered);
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ code: 'NOT_FOUND', message: 'nothing here' }] }));
      }
    });
    const target = await OciLayout.create(tempDir());
    const before = snapshot(target.dir);
    const error = await failure(pullLayout(new RegistryClient(url), 'twins/alice', 'v1', target));
    expect(error.reason).toBe('digest-mismatch');
    expect(error.message).toContain('does not match its digest');
    expect(snapshot(target.dir)).toEqual(before);
    expect(target.listBlobs()).toEqual([]);
    expect(target.index().manifests).toEqual([]);
  });

  it('follows relative upload Locations and sends ordered Content-Ranges', async () => {
    const received: { method: string; url: string; range?: string; type?: string; length: number }[] = [];
    const stored: Buffer[] = [];
    const url = await fake((req, res, body) => {
      received.push({ method: req.method!, url: req.url!, range: req.headers['content-range'], type: req.headers['content-type'], length: body.length });
      if (req.method === 'HEAD') res.writeHead(404).end();
      else if (req.method === 'POST') res.writeHead(202, { location: '/upload/s1?step=0' }).end();
      else if (req.method === 'PATCH') {
        stored.push(body);
        // Absolute, then relative to the current upload URL (RFC 3986 resolution), then path-absolute.
        const step = stored.length;
        const location = step === 1 ? `http://${req.headers.host}/upload/s1?step=1` : step === 2 ? 's1?step=2' : `/upload/s1?step=${step}`;
        res.writeHead(202, { location }).end();
      } else if (req.method === 'PUT') res.writeHead(201, { 'docker-content-digest': sha(Buffer.concat(stored)) }).end();
      else res.writeHead(405).end();
    });
    const bytes = Buffer.alloc(2500, 3);
    await new RegistryClient(url, { chunkBytes: 1000 }).pushBlob('twins/alice', { mediaType: 'application/octet-stream', digest: sha(bytes), size: bytes.length }, () =>
      Readable.from([bytes.subarray(0, 700), bytes.subarray(700)]),
    );
    expect(received.map((r) => `${r.method} ${r.url} ${r.range ?? ''} ${r.length}`)).toEqual([
      `HEAD /v2/twins/alice/blobs/${sha(bytes)}  0`,
      'POST /v2/twins/alice/blobs/uploads/  0',
      'PATCH /upload/s1?step=0 0-999 1000',
      'PATCH /upload/s1?step=1 1000-1999 1000',
      'PATCH /upload/s1?step=2 2000-2499 500',
      `PUT /upload/s1?step=3&digest=${encodeURIComponent(sha(bytes))}  0`,
    ]);
    expect(received.filter((r) => r.method === 'PATCH').every((r) => r.type === 'application/octet-stream')).toBe(true);
    expect(Buffer.concat(stored).equals(bytes)).toBe(true);
  });

  it('refuses a manifest whose bytes do not match the digest asked for', async () => {
    const url = await fake((_req, res) => {
      res.writeHead(200, { 'content-type': MANIFEST_MEDIA_TYPE });
      res.end('{"schemaVersion":2}');
    });
    const error = await failure(new RegistryClient(url).getManifest('twins/alice', EMPTY_DESCRIPTOR.digest));
    expect(error.reason).toBe('digest-mismatch');
  });

  it('fetches a Bearer token from the realm with Basic credentials and retries once', async () => {
    const seen: string[] = [];
    const url = await fake((req, res) => {
      const auth = req.headers.authorization ?? '';
      seen.push(`${req.url} ${auth}`);
      if (req.url?.startsWith('/token')) {
        const query = new URL(req.url, 'http://x').searchParams;
        if (auth !== `Basic ${Buffer.from('alice:secret').toString('base64')}` || query.get('scope') !== 'repository:twins/alice:pull' || query.get('service') !== 'fake') {
          res.writeHead(401).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'tok-1' }));
        return;
      }
      if (auth !== 'Bearer tok-1') {
        const realm = `http://${req.headers.host}/token`;
        res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm}",service="fake",scope="repository:twins/alice:pull"`, 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
        return;
      }
      res.writeHead(200, { 'content-type': MANIFEST_MEDIA_TYPE }).end('{}');
    });
    const client = new RegistryClient(url, { username: 'alice', password: 'secret' });
    const manifest = await client.getManifest('twins/alice', 'v1');
    expect(manifest.digest).toBe(EMPTY_DESCRIPTOR.digest);
    expect(seen.filter((s) => s.startsWith('/token'))).toHaveLength(1);
    // The token is kept for the next request.
    await client.getManifest('twins/alice', 'v1');
    expect(seen.filter((s) => s.startsWith('/token'))).toHaveLength(1);

    const wrong = await failure(new RegistryClient(url, { username: 'alice', password: 'wrong' }).getManifest('twins/alice', 'v1'));
    expect(wrong.reason).toBe('auth');
    expect(wrong.message).toContain('refused to issue a token');
    const anonymous = await failure(new RegistryClient(url, { token: 'stale' }).getManifest('twins/alice', 'v1'));
    expect(anonymous.reason).toBe('auth');
  });
});
