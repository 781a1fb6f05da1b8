// The compiled LikenessRegistry (ABI and creation code) from the committed artifact; data only, any Node process.
import type { InterfaceAbi } from 'ethers';
// Imported rather than read from disk: esbuild inlines it into the main bundle, which lives elsewhere than this file.
import artifact from './artifacts/LikenessRegistry.json' with { type: 'json' };

export const REGISTRY_ABI: InterfaceAbi = artifact.abi;

/** Creation code without constructor arguments (there are none): with the salt, it fixes the CREATE2 address. */
export const REGISTRY_BYTECODE: string = artifact.bytecode;

