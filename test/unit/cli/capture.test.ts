// `likeness capture`: import, list, show, check and delete from the command line, with exit codes scripts rely on.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Take } from '../../../main/contract/models.js';
import { runCliProcess } from '../../support/serve.js';
import { tempDir } from '../../support/tmp.js';

const JFK = fileURLToPath(new URL('../../../../shared/data/jfk-inaugural-1961.wav', import.meta.url));

describe('likeness capture', () => {
  it('imports a recording, lists and shows its takes, and deletes one', async () => {
    const home = tempDir();
    const imported = await runCliProcess(['capture', 'import', JFK, '--lang', 'en', '--home', home]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/jfk-inaugural-1961\.wav: \d+ takes/);
    const listed = await runCliProcess(['capture', 'list', '--json', '--home', home]);
    const takes = JSON.parse(listed.stdout) as Take[];
    expect(takes.length).toBeGreaterThanOrEqual(2);
    const shown = await runCliProcess(['capture', 'show', takes[0]!.id, '--home', home]);
    expect(shown.stdout).toContain('integratedLufs');
    const deleted = await runCliProcess(['capture', 'delete', takes[0]!.id, '--home', home]);
    expect(deleted.stdout).toContain(`Deleted ${takes[0]!.id}`);
    const after = JSON.parse((await runCliProcess(['capture', 'list', '--json', '--home', home])).stdout) as Take[];
    expect(after.length).toBe(takes.length - 1);
  });

  it('checks a file without importing it', async () => {
    const checked = await runCliProcess(['capture', 'check', JFK, '--json']);
    expect(checked.code).toBe(0);
    const report = JSON.parse(checked.stdout) as { verdict: { status: string; reasons: string[] } };
    expect(['pass', 'warn', 'fail']).toContain(report.verdict.status);
  });

  it('exits 1 naming the file that could not be imported, and 2 on bad usage', async () => {
    const home = tempDir();
    const bad = join(tempDir(), 'bad.m4a');
    writeFileSync(bad, 'not audio at all');
    const result = await runCliProcess(['capture', 'import', bad, '--home', home]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('bad.m4a');
    expect((await runCliProcess(['capture', 'import', '--home', home])).code).toBe(2);
    expect((await runCliProcess(['capture', 'import', JFK, '--lang', 'English!', '--home', home])).code).toBe(2);
    expect((await runCliProcess(['capture', 'show', 'take_nope', '--home', home])).code).toBe(2);
  });
});
