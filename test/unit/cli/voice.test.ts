// `likeness voice`: clear refusals before there is a model or enough speech, and usage errors, with the exit codes scripts rely on.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCliProcess } from '../../support/serve.js';
import { tempDir } from '../../support/tmp.js';

const JFK = fileURLToPath(new URL('../../../../shared/data/jfk-inaugural-1961.wav', import.meta.url));

describe('likeness voice', () => {
  it('says there is no model yet, for the report and for speaking', async () => {
    const home = tempDir();
    const report = await runCliProcess(['voice', 'report', '--home', home]);
    expect(report.code).toBe(1);
    expect(report.stderr).toContain('No voice model yet: train one first');
    const say = await runCliProcess(['voice', 'say', 'Hello there.', '--home', home, '-o', `${home}/out.wav`]);
    expect(say.code).toBe(1);
    expect(say.stderr).toContain('No voice model yet');
  });

  it('refuses to train on too little speech, saying how much more to record', async () => {
    const home = tempDir();
    await runCliProcess(['capture', 'import', JFK, '--home', home]);
    const trained = await runCliProcess(['voice', 'train', '--home', home]);
    expect(trained.code).toBe(1);
    expect(trained.stderr + trained.stdout).toMatch(/0 s of usable speech in 0 take\(s\): record at least 2 min 0 s more.*untranscribed take\(s\) skipped/s);
  });

  it('exits 2 on bad usage', async () => {
    const home = tempDir();
    expect((await runCliProcess(['voice', '--home', home])).code).toBe(2);
    expect((await runCliProcess(['voice', 'sing', '--home', home])).code).toBe(2);
    expect((await runCliProcess(['voice', 'say', '--home', home])).code).toBe(2);
    expect((await runCliProcess(['voice', 'say', 'hi', '--lang', 'English!', '--home', home])).code).toBe(2);
    expect((await runCliProcess(['voice', 'say', 'hi', '--rate', '9', '--home', home])).code).toBe(2);
    expect((await runCliProcess(['voice', 'report', 'extra', '--home', home])).code).toBe(2);
  });
});
