// The consent flow in the studio: a random sentence is issued, the creator's recording is checked and stored with its record; main process.
import { randomBytes, randomInt } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { LikenessError } from '../../../contract/errors.js';
import { ConsentRecord } from '../../../contract/models.js';
import type { Studio } from '../../studio.js';
import { importRecording } from '../import.js';
import { RECORDER_DEVICE } from '../import-file.js';
import { promptsFor } from '../prompts/index.js';
import { checkConsent, type PendingConsent } from './check.js';
import { CONSENT_LANGUAGES, composeSentence, decoys, isConsentLanguage } from './sentence.js';

const DECOYS = 6;
const FOREIGN = 4;
/** A sentence is valid for this long: the creator reads it now, not later. */
const SENTENCE_TTL_MS = 15 * 60 * 1000;

interface Issued extends PendingConsent {
  issuedAt: number;
}

/** JSON has no Infinity: an unmeasurable distance or cost is stored as null. */
function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

export class ConsentService {
  private readonly issued = new Map<string, Issued>();

  constructor(private readonly studio: Studio) {}

  start(language: string): { id: string; sentence: string; language: string } {
    if (!isConsentLanguage(language)) throw new LikenessError('not-found', `Consent sentences exist for ${CONSENT_LANGUAGES.join(', ')}, not ${language}.`);
    const sentence = composeSentence(language);
    const id = `consent_${randomBytes(8).toString('hex')}`;
    // Two prompts joined: about as long as a consent sentence, so the alignment compares content, not length.
    const prompts = promptsFor(language);
    const pick = () => prompts[randomInt(prompts.length)]!.text;
    const foreign = new Set<string>();
    while (foreign.size < FOREIGN) foreign.add(`${pick()} ${pick()}`);
    this.issued.set(id, {
      sentence: sentence.text,
      decoys: decoys(language, DECOYS, undefined, sentence).map((d) => d.text),
      foreign: [...foreign],
      language,
      issuedAt: Date.now(),
    });
    return { id, sentence: sentence.text, language };
  }

  /** The newest sentence not yet read or expired. */
  current(now = Date.now()): { id: string; sentence: string; language: string; expiresAt: string } | null {
    let newest: [string, Issued] | undefined;
    for (const entry of this.issued) {
      if (now - entry[1].issuedAt > SENTENCE_TTL_MS) this.issued.delete(entry[0]);
      else if (!newest || entry[1].issuedAt >= newest[1].issuedAt) newest = entry;
    }
    if (!newest) return null;
    const [id, { sentence, language, issuedAt }] = newest;
    return { id, sentence, language, expiresAt: new Date(issuedAt + SENTENCE_TTL_MS).toISOString() };
  }

  async finish(id: string, recordingId: string): Promise<ConsentRecord> {
    const pending = this.issued.get(id);
    if (!pending || Date.now() - pending.issuedAt > SENTENCE_TTL_MS) {
      this.studio.recordings.discard(recordingId);
      throw new LikenessError('conflict', 'This consent sentence has expired: start again to get a new one.');
    }
    this.issued.delete(id);
    const { path } = this.studio.recordings.finish(recordingId);
    try {
      const references = this.studio.takes
        .list({ kind: 'face' })
        .filter((t) => t.video !== null && t.status !== 'fail')
        .slice(-3)
        .map((t) => this.studio.blobs.pathOf(t.video!));
      if (references.length === 0) throw new LikenessError('conflict', 'Record at least one face take first: the consent take is matched against your face.');
      const stored = await this.studio.blobs.put(createReadStream(path), { mediaType: 'video/webm' });
      const outcome = await importRecording(
        { db: this.studio.db, blobs: this.studio.blobs, tmpDir: this.studio.tmpDir },
        { path, language: pending.language, whole: { kind: 'consent', source: 'recorded', promptId: null, transcript: pending.sentence, sourceName: RECORDER_DEVICE } },
      );
      const take = outcome.takes[0]!;
      const checked = await checkConsent({ espeak: await this.studio.espeak(), tracker: await this.studio.tracker(), referenceVideos: references }, pending, path, take);
      const record = ConsentRecord.parse({
        ...checked,
        id,
        takeDigest: stored.digest,
        speech: {
          ...checked.speech,
          margin: finite(checked.speech.margin),
          foreignMargin: finite(checked.speech.foreignMargin),
          scores: checked.speech.scores.map((s) => ({ ...s, cost: finite(s.cost) })),
        },
        face: { ...checked.face, distance: finite(checked.face.distance) },
      });
      this.studio.db.transaction(() => {
        this.studio.blobs.addRef(stored.digest, `consent:${id}`);
        this.studio.db
          .prepare('INSERT INTO consents (id, take_id, accepted, record, created_at) VALUES (?, ?, ?, ?, ?)')
          .run(id, take.id, record.accepted ? 1 : 0, JSON.stringify(record), record.createdAt);
      })();
      return record;
    } finally {
      this.studio.recordings.discard(recordingId, path);
    }
  }

  list(): ConsentRecord[] {
    return (this.studio.db.prepare('SELECT record FROM consents ORDER BY created_at').all() as { record: string }[]).map((r) => ConsentRecord.parse(JSON.parse(r.record)));
  }
}
