// Tests of connect and requireCode against a closed port, small fake RPC servers and a real anvil; test process.
import { once } from 'node:events';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { type Socket, createServer as createTcpServer } from 'node:net';
import { JsonRpcProvider, Wallet, WebSocketProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { EmbeddedChain } from '../../../main/core/chain/embedded-chain.js';
import { type ChainNetwork, localNetwork } from '../../../main/core/chain/networks.js';
import { ChainError, type ChainErrorReason, connect, requireCode } from '../../../main/core/chain/rpc.js';
import { suiteDir } from '../../support/tmp.js';

/** Arachnid's deterministic deployment proxy, which anvil has at genesis. */
const DEPLOYMENT_PROXY = '0x4e59b44847b379578588920cA78FbF26c0B4956C';

let chain: EmbeddedChain;
let removeHome: () => void;

beforeAll(async () => {
  const home = suiteDir('likeness-rpc-');
  removeHome = home.remove;
  chain = await EmbeddedChain.start({ home: home.dir });
});

afterAll(async () => {
  await chain?.stop();
  removeHome?.();
});

function network(rpcUrl: string, chainId = 31337): ChainNetwork {
  return { id: 'test', name: 'Testnet', rpcUrl, chainId, local: false };
}

async function failure(work: Promise<unknown>): Promise<{ reason: ChainErrorReason; message: string }> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ChainError);
  const { reason, message } = error as ChainError;
  return { reason, message };
}

async function closedPort(): Promise<number> {
  const server = createTcpServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** A loopback HTTP server for one test, closed with all its connections when the test ends. */
async function fakeRpc(
  handle: (request: IncomingMessage, response: ServerResponse, body: { id: number; method: string }) => void,
): Promise<{ url: string; firstConnection: Promise<Socket> }> {
  const server = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    request.on('end', () => handle(request, response, JSON.parse(text) as { id: number; method: string }));
  });
  const firstConnection = once(server, 'connection').then(([socket]) => socket as Socket);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, firstConnection };
}

function reply(response: ServerResponse, payload: unknown, status = 200): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(typeof payload === 'string' ? payload : JSON.stringify(payload));
}

describe('connect', () => {
  it('opens a real chain over http: chain id checked, block number read, provider pinned to it', async () => {
    const { provider, chainId, blockNumber } = await connect(localNetwork(chain));
    onTestFinished(() => provider.destroy());
    expect(provider).toBeInstanceOf(JsonRpcProvider);
    expect(chainId).toBe(31337);
    expect(blockNumber).toBe(0);
    expect((await provider.getNetwork()).chainId).toBe(31337n);
    expect(await provider.getBlockNumber()).toBe(0);
  });

  it('opens the same chain over a WebSocket', async () => {
    const { provider, chainId } = await connect(network(chain.rpcUrl.replace('http:', 'ws:')));
    onTestFinished(() => provider.destroy());
    expect(provider).toBeInstanceOf(WebSocketProvider);
    expect(chainId).toBe(31337);
    expect(await provider.getBalance(Wallet.createRandom().address)).toBe(0n);
  });

  it('says the network cannot be reached when nothing listens on its port', async () => {
    const port = await closedPort();
    expect(await failure(connect({ ...network(`http://127.0.0.1:${port}`), name: 'Closed' }))).toEqual({
      reason: 'unreachable',
      message: `The network Closed at http://127.0.0.1:${port} cannot be reached (ECONNREFUSED).`,
    });
    expect(await failure(connect(network(`ws://127.0.0.1:${port}`)))).toMatchObject({ reason: 'unreachable' });
  });

  it('gives up on a server that never answers, and aborts the request', async () => {
    const { url, firstConnection } = await fakeRpc(() => undefined);
    const closed = firstConnection.then((socket) => once(socket, 'close'));
    expect(await failure(connect(network(url), { timeoutMs: 200 }))).toEqual({
      reason: 'timeout',
      message: `The network Testnet at ${url} did not answer within 0.2 s.`,
    });
    // The client hung up rather than leaving the request open: the socket closes though the server never answered.
    await closed;
  });

  it('refuses a server that is another chain than the network says', async () => {
    const { url } = await fakeRpc((_request, response, body) => reply(response, { jsonrpc: '2.0', id: body.id, result: '0x1' }));
    expect(await failure(connect(network(url)))).toEqual({
      reason: 'wrong-chain',
      message: `${url} is chain 1, but the network Testnet says 31337.`,
    });
    const real = await failure(connect({ ...network(chain.rpcUrl, 1), name: 'Ethereum' }));
    expect(real).toEqual({ reason: 'wrong-chain', message: `${chain.rpcUrl} is chain 31337, but the network Ethereum says 1.` });
  });

  it.each([
    ['an HTTP error', (response: ServerResponse) => reply(response, 'unauthorised', 401), 'answered eth_chainId with HTTP 401.'],
    ['a JSON-RPC error', (response: ServerResponse, id: number) => reply(response, { jsonrpc: '2.0', id, error: { code: -32601, message: 'method not found' } }), 'refused eth_chainId: method not found'],
    ['a page that is not JSON', (response: ServerResponse) => reply(response, '<html>hello</html>'), 'did not answer eth_chainId with JSON.'],
    ['a reply without a result', (response: ServerResponse, id: number) => reply(response, { jsonrpc: '2.0', id }), 'did not answer eth_chainId as a JSON-RPC server would.'],
    ['a chain id that is not a quantity', (response: ServerResponse, id: number) => reply(response, { jsonrpc: '2.0', id, result: 31337 }), 'answered eth_chainId with 31337, not a number.'],
  ])('calls %s an RPC failure', async (_what, answer, words) => {
    const { url } = await fakeRpc((_request, response, body) => answer(response, body.id));
    const { reason, message } = await failure(connect(network(url)));
    expect(reason).toBe('rpc');
    expect(message).toBe(`The network Testnet at ${url} ${words}`);
  });

  it('keeps API keys in the URL out of its messages', async () => {
    const { url } = await fakeRpc((_request, response, body) => reply(response, { jsonrpc: '2.0', id: body.id, result: '0x1' }));
    const { message } = await failure(connect(network(`${url}/v3/0123456789abcdef0123456789abcdef`)));
    expect(message).toBe(`${url}/… is chain 1, but the network Testnet says 31337.`);
  });
});

describe('requireCode', () => {
  it('passes for an address with a contract and refuses one without', async () => {
    const { provider } = await connect(localNetwork(chain));
    onTestFinished(() => provider.destroy());
    await expect(requireCode(provider, DEPLOYMENT_PROXY, 'the registry', localNetwork(chain))).resolves.toBeUndefined();
    const empty = Wallet.createRandom().address;
    expect(await failure(requireCode(provider, empty.toLowerCase(), 'the registry', localNetwork(chain)))).toEqual({
      reason: 'no-code',
      message: `There is no contract at ${empty} on Local chain (private); deploy the registry first.`,
    });
  });

  it('says when the network cannot be asked', async () => {
    const provider = new JsonRpcProvider(`http://127.0.0.1:${await closedPort()}`, 31337, { staticNetwork: true });
    onTestFinished(() => provider.destroy());
    expect(await failure(requireCode(provider, DEPLOYMENT_PROXY, 'the registry', { name: 'Closed' }))).toMatchObject({ reason: 'unreachable' });
  });
});
