// The EVM networks the studio can mint and license on: the built-in private local chain and the creator's own; main process.
// Pure checks only: the settings code stores the list and calls validateNetworks on what it reads back.

export interface ChainNetwork {
  /** Stable key in settings and in the outbox; "local" is the built-in chain's. */
  id: string;
  name: string;
  rpcUrl: string;
  chainId: number;
  /** A transaction page, https, with {tx} where the hash goes. */
  explorer?: string;
  /** Only the built-in chain: its dev accounts pay gas there, never on any other network. */
  local: boolean;
}

/** What is known of the built-in chain before it runs; its URL and chain id come from the EmbeddedChain that serves it. */
export const LOCAL_NETWORK = { id: 'local', name: 'Local chain (private)', local: true } as const;

/** The built-in network, for the chain the studio started (anything with its URL and chain id). */
export function localNetwork(chain: { rpcUrl: string; chainId: number }): ChainNetwork {
  return { ...LOCAL_NETWORK, rpcUrl: chain.rpcUrl, chainId: chain.chainId };
}

export type NetworkErrorCode =
  | 'not-an-object'
  | 'unknown-field'
  | 'bad-id'
  | 'reserved-id'
  | 'duplicate-id'
  | 'bad-name'
  | 'bad-rpc-url'
  | 'bad-chain-id'
  | 'bad-explorer';

export class NetworkError extends Error {
  readonly code: NetworkErrorCode;
  /** The offending field, prefixed with the list index when it came from validateNetworks ("2.rpcUrl"). */
  readonly field: string;
  constructor(code: NetworkErrorCode, field: string, message: string) {
    super(message);
    this.name = 'NetworkError';
    this.code = code;
    this.field = field;
  }
}

const FIELDS = new Set(['id', 'name', 'rpcUrl', 'chainId', 'explorer', 'local']);
const ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
const NAME_MAX = 60;
const RPC_PROTOCOLS = new Set(['http:', 'https:', 'ws:', 'wss:']);
const TX_PLACEHOLDER = '{tx}';
/** A well-formed hash to put in the template, so the URL is checked as it will be opened. */
const SAMPLE_TX = `0x${'ab'.repeat(32)}`;

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/**
 * A URL fit for messages and logs: hosted RPC URLs carry their API key in the path, query or user info,
 * so only the origin is shown, with "/…" when something was left out.
 */
export function displayUrl(url: string): string {
  const parsed = parseUrl(url);
  if (!parsed) return '(an invalid URL)';
  const hidden = parsed.username !== '' || parsed.password !== '' || parsed.pathname.length > 1 || parsed.search !== '';
  return `${parsed.protocol}//${parsed.host}${hidden ? '/…' : ''}`;
}

/** The explorer page of a transaction, when the network has an explorer. */
export function txUrl(network: ChainNetwork, txHash: string): string | undefined {
  return network.explorer?.split(TX_PLACEHOLDER).join(txHash);
}

/**
 * Checks one network the creator added (from a form or from settings) and returns it normalised.
 * Strict: unknown fields, the built-in "local" id and `local: true` are refused, since only the studio's own chain is local.
 */
export function parseNetwork(input: unknown): ChainNetwork {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new NetworkError('not-an-object', '', 'A network must be an object with id, name, rpcUrl and chainId.');
  }
  const record = input as Record<string, unknown>;
  const unknown = Object.keys(record).find((key) => !FIELDS.has(key));
  if (unknown !== undefined) throw new NetworkError('unknown-field', unknown, `A network has no field "${unknown}".`);

  const { id, name, rpcUrl, chainId, explorer, local } = record;
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    throw new NetworkError('bad-id', 'id', 'The network id must be 1 to 40 lower-case letters, digits or inner hyphens.');
  }
  if (id === LOCAL_NETWORK.id) {
    throw new NetworkError('reserved-id', 'id', `The id "${LOCAL_NETWORK.id}" belongs to the built-in ${LOCAL_NETWORK.name}; choose another.`);
  }
  if (local !== undefined && local !== false) {
    throw new NetworkError('reserved-id', 'local', `Only the built-in ${LOCAL_NETWORK.name} is local; leave "local" out.`);
  }

  const trimmedName = typeof name === 'string' ? name.trim() : '';
  if (trimmedName === '' || trimmedName.length > NAME_MAX || /\p{Cc}/u.test(trimmedName)) {
    throw new NetworkError('bad-name', 'name', `The network name must be 1 to ${NAME_MAX} characters on one line.`);
  }

  const rpcText = typeof rpcUrl === 'string' ? rpcUrl.trim() : '';
  const rpc = parseUrl(rpcText);
  if (!rpc || !RPC_PROTOCOLS.has(rpc.protocol) || rpc.hostname === '') {
    throw new NetworkError('bad-rpc-url', 'rpcUrl', `The RPC address of ${trimmedName} must be an http, https, ws or wss URL.`);
  }

  if (typeof chainId !== 'number' || !Number.isSafeInteger(chainId) || chainId <= 0) {
    throw new NetworkError('bad-chain-id', 'chainId', `The chain id of ${trimmedName} must be a positive whole number (1 for Ethereum mainnet).`);
  }

  const network: ChainNetwork = { id, name: trimmedName, rpcUrl: rpcText, chainId, local: false };
  if (explorer !== undefined) {
    const template = typeof explorer === 'string' ? explorer.trim() : '';
    const page = template.includes(TX_PLACEHOLDER) ? parseUrl(template.split(TX_PLACEHOLDER).join(SAMPLE_TX)) : undefined;
    if (!page || page.protocol !== 'https:') {
      throw new NetworkError('bad-explorer', 'explorer', `The explorer of ${trimmedName} must be an https URL with {tx} where the transaction hash goes.`);
    }
    network.explorer = template;
  }
  return network;
}

/** Checks the creator's saved networks: each as parseNetwork does, and no id twice. Errors name the entry. */
export function validateNetworks(list: unknown): ChainNetwork[] {
  if (!Array.isArray(list)) throw new NetworkError('not-an-object', '', 'The saved networks must be a list.');
  const seen = new Set<string>();
  return list.map((entry, index) => {
    let network: ChainNetwork;
    try {
      network = parseNetwork(entry);
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      const field = error.field === '' ? String(index) : `${index}.${error.field}`;
      throw new NetworkError(error.code, field, `Network ${index + 1}: ${error.message}`);
    }
    if (seen.has(network.id)) {
      throw new NetworkError('duplicate-id', `${index}.id`, `Network ${index + 1}: the id "${network.id}" is used twice.`);
    }
    seen.add(network.id);
    return network;
  });
}
