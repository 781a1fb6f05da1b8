// The consent record (pure; main process): what the consent take proved, kept with the twin.
import type { FaceMatch } from './face-match.js';
import type { SpeechMatch } from './speech-match.js';

export interface ConsentRecord {
  sentence: string;
  language: string;
  decoys: string[];
  /** ISO 8601. */
  createdAt: string;
  /** Content digest of the consent take (e.g. "sha256:…"). */
  takeDigest: string;
  speech: { scores: SpeechMatch['scores']; margin: number; foreignMargin: number; accepted: boolean };
  face: { distance: number; threshold: number; accepted: boolean };
  /** Both checks passed. */
  accepted: boolean;
  capturedBy: 'in-app recorder';
}

export interface ConsentRecordInput {
  sentence: string;
  language: string;
  decoys: readonly string[];
  createdAt: Date | string;
  takeDigest: string;
  speech: Pick<SpeechMatch, 'scores' | 'margin' | 'accepted'> & { foreignMargin: number };
  face: Pick<FaceMatch, 'distance' | 'threshold' | 'accepted'>;
}

/** Builds the record (no I/O, no clock): accepted only when speech and face both are. */
export function createConsentRecord(input: ConsentRecordInput): ConsentRecord {
  if (!input.sentence.trim()) throw new Error('the consent sentence is empty');
  if (!input.takeDigest.trim()) throw new Error('the consent take has no digest');
  if (input.decoys.includes(input.sentence)) throw new Error('a decoy equals the consent sentence');
  const created = typeof input.createdAt === 'string' ? new Date(input.createdAt) : input.createdAt;
  if (Number.isNaN(created.getTime())) throw new Error(`createdAt is not a valid time: ${String(input.createdAt)}`);
  return {
    sentence: input.sentence,
    language: input.language,
    decoys: [...input.decoys],
    createdAt: created.toISOString(),
    takeDigest: input.takeDigest,
    speech: { scores: input.speech.scores.map((s) => ({ ...s })), margin: input.speech.margin, foreignMargin: input.speech.foreignMargin, accepted: input.speech.accepted },
    face: { distance: input.face.distance, threshold: input.face.threshold, accepted: input.face.accepted },
    accepted: input.speech.accepted && input.face.accepted,
    capturedBy: 'in-app recorder',
  };
}
