// Unit tests of the network list: strict parsing of the creator's networks and the built-in local chain; test process.
import { describe, expect, it } from 'vitest';
import {
  LOCAL_NETWORK,
  NetworkError,
  type NetworkErrorCode,
  displayUrl,
  localNetwork,
  parseNetwork,
  txUrl,
  validateNetworks,
} from '../../../main/core/chain/networks.js';

const SEPOLIA = {
  id: 'sepolia',
  name: 'Sepolia',
  rpcUrl: 'https://sepolia.example.org/v3/0123456789abcdef0123456789abcdef',
  chainId: 11155111,
  explorer: 'https://sepolia.etherscan.io/tx/{tx}',
};

function failure(input: unknown): { code: NetworkErrorCode; field: string; message: string } {
  try {
    parseNetwork(input);
  } catch (error) {
    expect(error).toBeInstanceOf(NetworkError);
    const { code, field, message } = error as NetworkError;
    return { code, field, message };
  }
  throw new Error('parseNetwork accepted it');
}

describe('parseNetwork', () => {
  it('accepts a complete network and marks it not local', () => {
    expect(parseNetwork(SEPOLIA)).toEqual({ ...SEPOLIA, local: false });
    expect(parseNetwork({ ...SEPOLIA, local: false }).local).toBe(false);
  });

  it('accepts http, https, ws and wss RPC URLs, trims text, and leaves the explorer out when not given', () => {
    for (const rpcUrl of ['http://10.0.0.5:8545', 'https://rpc.example.org', 'ws://127.0.0.1:8546', 'wss://rpc.example.org/ws']) {
      const { explorer: _explorer, ...bare } = SEPOLIA;
      const network = parseNetwork({ ...bare, rpcUrl: ` ${rpcUrl} `, name: '  My node ' });
      expect(network).toEqual({ id: 'sepolia', name: 'My node', rpcUrl, chainId: 11155111, local: false });
      expect('explorer' in network).toBe(false);
    }
  });

  it.each([
    ['a string', 'https://rpc.example.org', 'not-an-object', ''],
    ['null', null, 'not-an-object', ''],
    ['an array', [SEPOLIA], 'not-an-object', ''],
    ['an unknown field', { ...SEPOLIA, apiKey: 'x' }, 'unknown-field', 'apiKey'],
    ['an upper-case id', { ...SEPOLIA, id: 'Sepolia' }, 'bad-id', 'id'],
    ['an id ending in a hyphen', { ...SEPOLIA, id: 'sepolia-' }, 'bad-id', 'id'],
    ['a missing id', { ...SEPOLIA, id: undefined }, 'bad-id', 'id'],
    ['the built-in id', { ...SEPOLIA, id: 'local' }, 'reserved-id', 'id'],
    ['local: true', { ...SEPOLIA, local: true }, 'reserved-id', 'local'],
    ['an empty name', { ...SEPOLIA, name: '   ' }, 'bad-name', 'name'],
    ['a two-line name', { ...SEPOLIA, name: 'Sepolia\nevil' }, 'bad-name', 'name'],
    ['a name of 61 characters', { ...SEPOLIA, name: 'x'.repeat(61) }, 'bad-name', 'name'],
    ['an ftp RPC URL', { ...SEPOLIA, rpcUrl: 'ftp://rpc.example.org' }, 'bad-rpc-url', 'rpcUrl'],
    ['a file RPC URL', { ...SEPOLIA, rpcUrl: 'file:///tmp/anvil.ipc' }, 'bad-rpc-url', 'rpcUrl'],
    ['an RPC URL without a scheme', { ...SEPOLIA, rpcUrl: 'rpc.example.org:8545' }, 'bad-rpc-url', 'rpcUrl'],
    ['a numeric RPC URL', { ...SEPOLIA, rpcUrl: 8545 }, 'bad-rpc-url', 'rpcUrl'],
    ['chain id 0', { ...SEPOLIA, chainId: 0 }, 'bad-chain-id', 'chainId'],
    ['a negative chain id', { ...SEPOLIA, chainId: -1 }, 'bad-chain-id', 'chainId'],
    ['a fractional chain id', { ...SEPOLIA, chainId: 1.5 }, 'bad-chain-id', 'chainId'],
    ['a chain id as text', { ...SEPOLIA, chainId: '1' }, 'bad-chain-id', 'chainId'],
    ['an unsafe chain id', { ...SEPOLIA, chainId: 2 ** 53 }, 'bad-chain-id', 'chainId'],
    ['an explorer without {tx}', { ...SEPOLIA, explorer: 'https://sepolia.etherscan.io/tx/' }, 'bad-explorer', 'explorer'],
    ['an http explorer', { ...SEPOLIA, explorer: 'http://sepolia.etherscan.io/tx/{tx}' }, 'bad-explorer', 'explorer'],
    ['a javascript explorer', { ...SEPOLIA, explorer: 'javascript:alert("{tx}")' }, 'bad-explorer', 'explorer'],
    ['an explorer that is not text', { ...SEPOLIA, explorer: 42 }, 'bad-explorer', 'explorer'],
  ])('refuses %s', (_what, input, code, field) => {
    expect(failure(input)).toMatchObject({ code, field });
  });

  it('explains the failure in words', () => {
    expect(failure({ ...SEPOLIA, chainId: 0 }).message).toBe('The chain id of Sepolia must be a positive whole number (1 for Ethereum mainnet).');
    expect(failure({ ...SEPOLIA, explorer: 'https://x.org/tx' }).message).toContain('with {tx} where the transaction hash goes');
  });
});

describe('validateNetworks', () => {
  it('returns the parsed list', () => {
    const mainnet = { id: 'mainnet', name: 'Ethereum', rpcUrl: 'https://eth.example.org', chainId: 1 };
    expect(validateNetworks([SEPOLIA, mainnet])).toEqual([
      { ...SEPOLIA, local: false },
      { ...mainnet, local: false },
    ]);
    expect(validateNetworks([])).toEqual([]);
  });

  it('names the entry that fails, and refuses an id used twice', () => {
    expect(() => validateNetworks({ networks: [] })).toThrow(NetworkError);
    try {
      validateNetworks([SEPOLIA, { ...SEPOLIA, chainId: 0 }]);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'bad-chain-id', field: '1.chainId' });
      expect((error as Error).message).toMatch(/^Network 2: The chain id of Sepolia/);
    }
    expect(() => validateNetworks([SEPOLIA, { ...SEPOLIA, name: 'Other' }])).toThrow(expect.objectContaining({ code: 'duplicate-id', field: '1.id' }));
    expect(() => validateNetworks([SEPOLIA, 'x'])).toThrow(expect.objectContaining({ code: 'not-an-object', field: '1' }));
  });
});

describe('the built-in local chain', () => {
  it('is filled in from the running chain and is the only local network', () => {
    expect(LOCAL_NETWORK).toEqual({ id: 'local', name: 'Local chain (private)', local: true });
    expect(localNetwork({ rpcUrl: 'http://127.0.0.1:40123', chainId: 31337 })).toEqual({
      id: 'local',
      name: 'Local chain (private)',
      rpcUrl: 'http://127.0.0.1:40123',
      chainId: 31337,
      local: true,
    });
  });
});

describe('displayUrl and txUrl', () => {
  it('shows only the origin of an RPC URL, since hosted ones carry their API key', () => {
    expect(displayUrl('http://127.0.0.1:8545')).toBe('http://127.0.0.1:8545');
    expect(displayUrl('http://127.0.0.1:8545/')).toBe('http://127.0.0.1:8545');
    expect(displayUrl(SEPOLIA.rpcUrl)).toBe('https://sepolia.example.org/…');
    expect(displayUrl('https://rpc.example.org?key=secret')).toBe('https://rpc.example.org/…');
    expect(displayUrl('wss://user:secret@rpc.example.org')).toBe('wss://rpc.example.org/…');
    expect(displayUrl('not a url')).toBe('(an invalid URL)');
  });

  it('puts the hash into the explorer template', () => {
    const network = parseNetwork(SEPOLIA);
    expect(txUrl(network, '0xabc')).toBe('https://sepolia.etherscan.io/tx/0xabc');
    expect(txUrl(localNetwork({ rpcUrl: 'http://127.0.0.1:1', chainId: 31337 }), '0xabc')).toBeUndefined();
  });
});
