// `likeness capture`: import, list, show, check, recover and delete from the command line, with exit codes scripts rely on.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Take } from '../../../main/contract/models.js';
import { openStudio } from '../../../main/core/studio.js';
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
    expect((await runCliProcess(['capture', 'import', JFK, '--as', 'picture', '--home', home])).code).toBe(2);
    expect((await runCliProcess(['capture', 'recover', 'nope', '--home', home])).code).toBe(2);
  });

  it('names an interrupted recording in the list and recovers it into its take', async () => {
    const home = tempDir();
    const studio = openStudio(home);
    const { id } = studio.recordings.start({ kind: 'voice', language: 'en', promptId: 'en-002', purpose: 'take', fileName: 'take.wav' });
    studio.recordings.append(id, 0, readFileSync(JFK).subarray(0, 200_000));
    studio.recordings.closeAll();
    await studio.close();
    const listed = await runCliProcess(['capture', 'list', '--home', home]);
    expect(listed.stderr).toContain(`interrupted recording ${id} (voice take, en, prompt en-002;`);
    const recovered = await runCliProcess(['capture', 'recover', id, '--json', '--home', home]);
    expect(recovered.code, recovered.stderr).toBe(0);
    expect((JSON.parse(recovered.stdout) as { takes: Take[] }).takes[0]).toMatchObject({ promptId: 'en-002', source: 'recorded' });
    expect((await runCliProcess(['capture', 'list', '--home', home])).stderr).not.toContain('interrupted');
    const again = await runCliProcess(['capture', 'recover', id, '--home', home]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`No interrupted recording ${id}`);
  });
});
