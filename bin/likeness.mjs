#!/usr/bin/env node
// `likeness` launcher: runs the TypeScript CLI through tsx; CLI process.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../main/cli.ts');
process.exitCode = await runCli(process.argv.slice(2));
