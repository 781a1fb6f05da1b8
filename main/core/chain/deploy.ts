// Deploys the LikenessRegistry at the same CREATE2 address on every chain, through the deterministic deployment proxy; studio or CLI process.
import { type Provider, type Signer, concat, getAddress, getCreate2Address, id, keccak256 } from 'ethers';
import { LikenessError } from '../../contract/errors.js';
import { REGISTRY_BYTECODE } from './artifact.js';

/** Arachnid's deterministic deployment proxy: anvil has it from genesis, most public chains have it deployed. */
export const DEPLOYMENT_PROXY = '0x4e59b44847b379578588920cA78FbF26c0B4956C';

/** Fixed forever: changing it (or the bytecode) moves the registry, and vouchers signed for the old address stop working. */
export const REGISTRY_SALT = id('likeness.registry.v1');

export interface Deployment {
  address: string;
  /** False when the registry was already there and nothing was sent. */
  deployed: boolean;
  txHash?: string;
}

/** The registry's address on any chain, known before it is deployed there: vouchers can be signed offline for it. */
export function registryAddress(): string {
  return getCreate2Address(DEPLOYMENT_PROXY, REGISTRY_SALT, keccak256(REGISTRY_BYTECODE));
}

async function hasCode(provider: Provider, address: string): Promise<boolean> {
  return (await provider.getCode(address)) !== '0x';
}

/**
 * Whether the registry is deployed at `address`. Code at the CREATE2 address can only come from this init code,
 * so its presence is proof enough.
 */
export async function hasRegistry(provider: Provider, address: string = registryAddress()): Promise<boolean> {
  return hasCode(provider, getAddress(address));
}

/** Deploys the registry unless it is already there; safe to call on every start. */
export async function deployRegistry(signer: Signer): Promise<Deployment> {
  const provider = signer.provider;
  if (!provider) throw new LikenessError('invalid-input', 'The signer that deploys the registry must be connected to a provider.');
  const address = registryAddress();
  if (await hasRegistry(provider, address)) return { address, deployed: false };
  if (!(await hasCode(provider, DEPLOYMENT_PROXY))) {
    const { chainId } = await provider.getNetwork();
    throw new LikenessError(
      'unavailable',
      `Chain ${chainId} has no deterministic deployment proxy at ${DEPLOYMENT_PROXY}, so the registry cannot be deployed at its fixed address ${address}. ` +
        'Deploy the proxy first (github.com/Arachnid/deterministic-deployment-proxy: one presigned transaction), then try again.',
    );
  }
  // The proxy takes the salt followed by the init code, and CREATE2s it.
  const tx = await signer.sendTransaction({ to: DEPLOYMENT_PROXY, data: concat([REGISTRY_SALT, REGISTRY_BYTECODE]) });
  const receipt = await tx.wait();
  if (!receipt || receipt.status !== 1 || !(await hasRegistry(provider, address))) {
    throw new LikenessError('internal', `The registry deployment ${tx.hash} did not leave code at ${address}.`);
  }
  return { address, deployed: true, txHash: tx.hash };
}
