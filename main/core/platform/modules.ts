// Locates files inside installed packages, also from a packaged app where executables live in app.asar.unpacked; main process.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Executables cannot run from inside an asar archive; electron-builder unpacks them beside it. */
export function unpacked(path: string): string {
  return path.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
}

export function packageDir(name: string): string | undefined {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

export function packageFile(name: string, ...parts: string[]): string | undefined {
  const dir = packageDir(name);
  return dir === undefined ? undefined : unpacked(join(dir, ...parts));
}

export function loadModule<T>(name: string): T {
  return require(name) as T;
}
