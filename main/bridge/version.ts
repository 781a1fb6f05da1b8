// The app's name and version, read once from package.json; main process.
import { createRequire } from 'node:module';

const pkg = createRequire(import.meta.url)('../../package.json') as { productName: string; version: string };

export const APP_NAME = pkg.productName;
export const APP_VERSION = pkg.version;
