// The layering rule: renderer and contract never import Node, Electron or the core; the core never imports Electron.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('layering lint rule', () => {
  it.each([
    ['renderer/Example.tsx', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"],
    ['renderer/Example.tsx', "import fs from 'fs';\nexport const x = fs;\n"],
    ['renderer/Example.tsx', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n"],
    ['renderer/Example.tsx', "import { openStudio } from '../main/core/studio.js';\nexport const x = openStudio;\n"],
    ['renderer/Example.tsx', "import Database from 'better-sqlite3';\nexport const x = Database;\n"],
    ['main/contract/example.ts', "import { join } from 'node:path';\nexport const x = join;\n"],
    ['main/contract/example.ts', "import { BlobStore } from '../core/store/blobs.js';\nexport const x = BlobStore;\n"],
    ['main/core/example.ts', "import { app } from 'electron';\nexport const x = app;\n"],
    ['main/bridge/example.ts', "import { ipcMain } from 'electron';\nexport const x = ipcMain;\n"],
  ])('flags %s importing what its layer may not', async (file, code) => {
    expect(await ruleIds(file, code)).toContain('no-restricted-imports');
  });

  it.each([
    ['main/core/example.ts', "import { join } from 'node:path';\nexport const x = join;\n"],
    ['main/app/example.ts', "import { app } from 'electron';\nexport const x = app;\n"],
    ['renderer/Example.tsx', "import { calls } from '../main/contract/index.js';\nexport const x = calls;\n"],
  ])('allows %s its own imports', async (file, code) => {
    expect(await ruleIds(file, code)).not.toContain('no-restricted-imports');
  });
});
