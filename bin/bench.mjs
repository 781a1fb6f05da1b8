#!/usr/bin/env node
// `npm run bench` launcher: runs the TypeScript benchmarks through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../bench/index.ts');
process.exitCode = await main(process.argv.slice(2));
