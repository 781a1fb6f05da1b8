// Finds the anvil executable that @foundry-rs/anvil installed for this platform; main process (doctor and the embedded chain).
import { existsSync } from 'node:fs';
import { packageFile } from '../platform/modules.js';

/** npm publishes one package per platform and names x64 "amd64"; its other names match Node's. */
const PLATFORM_PACKAGES: Readonly<Record<string, string>> = { linux: 'linux', darwin: 'darwin', win32: 'win32' };

/**
 * The platform binary itself rather than the npm wrapper script, so signals we send reach anvil and not a Node shim.
 * Throws when no binary is installed for this platform.
 */
export function anvilPath(): string {
  const platform = PLATFORM_PACKAGES[process.platform];
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const binary = platform
    ? packageFile(`@foundry-rs/anvil-${platform}-${arch}`, 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil')
    : undefined;
  if (!binary || !existsSync(binary)) {
    throw new Error(`anvil (the embedded local chain) is not installed for this platform (${process.platform}-${process.arch})`);
  }
  return binary;
}
