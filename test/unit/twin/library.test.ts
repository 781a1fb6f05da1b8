// The studio's twin library: a twin cannot be built from a model version that was deleted (or whose file is gone), and a
// forged archive declaring a 10 GB part in a sparse file is refused by the studio's own limits, nothing kept.
import { readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStudio } from '../../../main/core/studio.js';
import { defaultRules } from '../../../main/core/twin/rules/schema.js';
import type { Studio } from '../../../main/core/studio.js';
import { rawHeader } from '../../support/raw-tar.js';
import { suiteDir, tempDir } from '../../support/tmp.js';
import { addStoredVoiceModel } from '../../fixtures/stored-voice-model.js';

const TEN_GB = 10 * 1024 ** 3;
let studio: Studio;
let removeHome: () => void;

beforeAll(() => {
  const home = suiteDir();
  removeHome = home.remove;
  studio = openStudio(home.dir);
});

afterAll(async () => {
  await studio?.close();
  removeHome?.();
});

describe('building a twin', () => {
  it('refuses a model version that was deleted, and one whose file is gone, keeping nothing', async () => {
    await studio.identity.create('a long and private passphrase');
    await studio.identity.unlock('a long and private passphrase');
    await expect(studio.twins.pack({ name: 'Gone', rules: defaultRules(), voiceModel: 'voice_00000000deadbeef' })).rejects.toThrow(/No model voice_00000000deadbeef/);

    const model = await addStoredVoiceModel(studio, 1000);
    rmSync(studio.blobs.pathOf(model.model));
    await expect(studio.twins.pack({ name: 'Gone', rules: defaultRules(), voiceModel: model.id })).rejects.toThrow(/no longer in this studio/);
    expect(readdirSync(studio.twins.root)).toEqual([]);
  });
});

describe('twin import limits', () => {
  it('refuses a 10 GB part declared in a sparse file, keeping nothing', async () => {
    const file = join(tempDir('likeness-sparse-'), 'forged.tar');
    writeFileSync(file, rawHeader({ name: `blobs/sha256/${'a'.repeat(64)}`, size: TEN_GB }));
    // Sparse: the file claims the whole 10 GB and the tar end, occupying almost nothing on disk.
    truncateSync(file, 512 + TEN_GB + 1024);
    await expect(studio.twins.importFile(file)).rejects.toThrow(/over the limit of 4294967296/);
    expect(readdirSync(studio.twins.root)).toEqual([]);
  });

  it('refuses a file that is not a tar at all, naming it', async () => {
    const file = join(tempDir('likeness-not-tar-'), 'notes.txt');
    writeFileSync(file, 'these are not the droids');
    await expect(studio.twins.importFile(file)).rejects.toThrow(/notes\.txt is not a twin this studio can take/);
    expect(readdirSync(studio.twins.root)).toEqual([]);
  });
});
