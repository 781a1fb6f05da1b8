// Connects to a network's RPC and checks that it answers, in time, as the chain it claims to be; main process.
import { type JsonRpcApiProvider, JsonRpcProvider, Network, type Provider, WebSocketProvider, getAddress } from 'ethers';
import { WebSocket } from 'ws';
import { type ChainNetwork, displayUrl } from './networks.js';

export type ChainErrorReason = 'unreachable' | 'timeout' | 'wrong-chain' | 'no-code' | 'rpc';

export class ChainError extends Error {
  readonly reason: ChainErrorReason;
  constructor(reason: ChainErrorReason, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ChainError';
    this.reason = reason;
  }
}

export const DEFAULT_RPC_TIMEOUT_MS = 8_000;

export interface Connection {
  /** JsonRpcProvider for http(s) networks, WebSocketProvider for ws(s); pinned to the checked chain id, so it never probes. */
  provider: JsonRpcApiProvider;
  chainId: number;
  blockNumber: number;
}

interface Session {
  call(method: string): Promise<unknown>;
  provider(): JsonRpcApiProvider;
  close(): void;
}

function where(network: ChainNetwork): string {
  return `The network ${network.name} at ${displayUrl(network.rpcUrl)}`;
}

/** The errno-style code somewhere in an error's causes; fetch and ws wrap it, and a dual-stack host name aggregates one per address. */
function systemCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 4) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && /^E[A-Z_]+$|^UND_ERR_/.test(code)) return code;
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = systemCode(inner, depth + 1);
      if (found) return found;
    }
  }
  return systemCode(cause, depth + 1);
}

function failure(network: ChainNetwork, error: unknown, signal: AbortSignal, timeoutMs: number): ChainError {
  if (error instanceof ChainError) return error;
  if (signal.aborted) {
    return new ChainError('timeout', `${where(network)} did not answer within ${timeoutMs / 1000} s.`, { cause: error });
  }
  const code = systemCode(error);
  const detail = code ?? (error instanceof Error ? error.message : String(error));
  return new ChainError('unreachable', `${where(network)} cannot be reached (${detail}).`, { cause: error });
}

function rpcResult(network: ChainNetwork, method: string, body: unknown): unknown {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const reply = body as { result?: unknown; error?: { message?: unknown } };
    if (reply.error !== undefined) {
      const message = typeof reply.error?.message === 'string' ? reply.error.message : JSON.stringify(reply.error);
      throw new ChainError('rpc', `${where(network)} refused ${method}: ${message}`);
    }
    if ('result' in reply) return reply.result;
  }
  throw new ChainError('rpc', `${where(network)} did not answer ${method} as a JSON-RPC server would.`);
}

function quantity(network: ChainNetwork, method: string, value: unknown): bigint {
  if (typeof value !== 'string' || !/^0x[0-9a-f]+$/i.test(value)) {
    throw new ChainError('rpc', `${where(network)} answered ${method} with ${JSON.stringify(value)}, not a number.`);
  }
  return BigInt(value);
}

/** Resolves with the work, or rejects with the signal's reason as soon as it aborts. */
function beforeAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function httpSession(network: ChainNetwork, signal: AbortSignal, timeoutMs: number): Session {
  let id = 0;
  return {
    async call(method) {
      try {
        const response = await fetch(network.rpcUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params: [] }),
          signal,
        });
        if (!response.ok) {
          await response.body?.cancel();
          throw new ChainError('rpc', `${where(network)} answered ${method} with HTTP ${response.status}.`);
        }
        const text = await response.text();
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          throw new ChainError('rpc', `${where(network)} did not answer ${method} with JSON.`);
        }
        return rpcResult(network, method, body);
      } catch (error) {
        throw failure(network, error, signal, timeoutMs);
      }
    },
    provider: () => new JsonRpcProvider(network.rpcUrl, Network.from(network.chainId), { staticNetwork: true, cacheTimeout: -1 }),
    close: () => undefined,
  };
}

async function webSocketSession(network: ChainNetwork, signal: AbortSignal, timeoutMs: number): Promise<Session> {
  const socket = new WebSocket(network.rpcUrl);
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  // ws throws 'error' events nobody listens to, and ethers only sets onopen and onmessage: without this a dropped socket would crash the studio.
  socket.on('error', () => undefined);
  const provider = new WebSocketProvider(socket, Network.from(network.chainId), { staticNetwork: true });
  const close = () => void provider.destroy();
  try {
    await beforeAbort(opened, signal);
  } catch (error) {
    close();
    throw failure(network, error, signal, timeoutMs);
  }
  return {
    async call(method) {
      try {
        return await beforeAbort(provider.send(method, []), signal);
      } catch (error) {
        if (signal.aborted || systemCode(error)) throw failure(network, error, signal, timeoutMs);
        throw new ChainError('rpc', `${where(network)} refused ${method}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    },
    provider: () => provider,
    close,
  };
}

/**
 * Opens a network and checks it before anything is signed or sent for it: that it answers within `timeoutMs`
 * (default 8 s; the pending request is aborted), and that its chain id is the one the network was saved with,
 * since a voucher signed for one chain id is worthless on another.
 */
export async function connect(network: ChainNetwork, options: { timeoutMs?: number } = {}): Promise<Connection> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  const session = /^wss?:/i.test(network.rpcUrl)
    ? await webSocketSession(network, signal, timeoutMs)
    : httpSession(network, signal, timeoutMs);
  try {
    const chainId = quantity(network, 'eth_chainId', await session.call('eth_chainId'));
    if (chainId !== BigInt(network.chainId)) {
      throw new ChainError('wrong-chain', `${displayUrl(network.rpcUrl)} is chain ${chainId}, but the network ${network.name} says ${network.chainId}.`);
    }
    const blockNumber = quantity(network, 'eth_blockNumber', await session.call('eth_blockNumber'));
    return { provider: session.provider(), chainId: network.chainId, blockNumber: Number(blockNumber) };
  } catch (error) {
    session.close();
    throw error;
  }
}

/** Refuses to go on when `address` holds no contract on the network: `what` names it for the fix ("the registry"). */
export async function requireCode(provider: Provider, address: string, what: string, network: Pick<ChainNetwork, 'name'>): Promise<void> {
  const target = getAddress(address);
  let code: string;
  try {
    code = await provider.getCode(target);
  } catch (error) {
    const reason = systemCode(error) ? 'unreachable' : 'rpc';
    throw new ChainError(reason, `Could not read the code at ${target} on ${network.name}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (code === '0x') throw new ChainError('no-code', `There is no contract at ${target} on ${network.name}; deploy ${what} first.`);
}
