// Checks a consent take end to end: its speech against the sentence and decoys, its face against the creator's face takes; main process.
import type { Take } from '../../../contract/models.js';
import { decodeAudioToArray } from '../../media/ffmpeg.js';
import { decodeVideoFrames } from '../../media/video-frames.js';
import type { EspeakRunner } from '../../speech/espeak.js';
import type { FaceTracker } from '../../vision/tracker.js';
import { matchFace } from './face-match.js';
import { type ConsentRecord, createConsentRecord } from './record.js';
import { matchSpeech } from './speech-match.js';

/** Frames sampled per video for face descriptors: spread over the take, enough to average out blinks and motion. */
const DESCRIPTORS_PER_VIDEO = 4;
const SAMPLE_EVERY_FRAMES = 10;

export interface PendingConsent {
  sentence: string;
  /** Same-template sentences: only the random words differ, so beating them shows those words were read. */
  decoys: string[];
  /** Different sentences: beating them clearly shows the recording is this sentence at all, not just any speech. */
  foreign: string[];
  language: string;
}

/**
 * Lead of the sentence over different sentences of similar length (two prompts joined). Same-template decoys
 * alone cannot tell unrelated speech from a reading: all seven candidates cost about the same, so unrelated
 * speech ranks the sentence first by chance about one time in seven. Measured: Festival reading six consent
 * sentences leads by 0.30–0.44; the test creator reading prompts instead trails by -0.08 to -0.23 (eight
 * random sentences); JFK and the test creator against their own text lead by 0.27–0.28. 0.10 sits between.
 */
export const FOREIGN_MARGIN = 0.1;

function lead(sentenceCost: number, others: readonly number[]): number {
  const best = Math.min(...others);
  return Number.isFinite(sentenceCost) && sentenceCost > 0 ? (best - sentenceCost) / sentenceCost : Number.NEGATIVE_INFINITY;
}

/** Descriptors of the single face in sampled frames; frames with no face or several are skipped. */
export async function faceDescriptors(videoPath: string, tracker: FaceTracker, limit = DESCRIPTORS_PER_VIDEO): Promise<Float32Array[]> {
  const found: Float32Array[] = [];
  const controller = new AbortController();
  try {
    await decodeVideoFrames(videoPath, { signal: controller.signal }, async (frame) => {
      if (frame.index % SAMPLE_EVERY_FRAMES !== 0 || found.length >= limit) return;
      const faces = await tracker.detect(frame);
      if (faces.length === 1) found.push(await tracker.descriptor(frame, faces[0]!));
      if (found.length >= limit) controller.abort();
    });
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  }
  return found;
}

export interface ConsentCheckDeps {
  espeak: EspeakRunner;
  tracker: FaceTracker;
  /** Paths of the creator's face-take videos: the reference the consent face must match. */
  referenceVideos: readonly string[];
}

export async function checkConsent(deps: ConsentCheckDeps, pending: PendingConsent, videoPath: string, take: Pick<Take, 'audio'>, now = new Date()): Promise<ConsentRecord> {
  const audio = await decodeAudioToArray(videoPath, { sampleRate: 16_000 });
  const matched = await matchSpeech(audio.samples, pending.sentence, [...pending.decoys, ...pending.foreign], deps.espeak, pending.language);
  const costOf = (text: string) => matched.scores.find((score) => !score.isSentence && score.text === text)?.cost ?? Number.POSITIVE_INFINITY;
  const templateLead = lead(matched.sentenceCost, pending.decoys.map(costOf));
  const foreignLead = pending.foreign.length > 0 ? lead(matched.sentenceCost, pending.foreign.map(costOf)) : Number.POSITIVE_INFINITY;
  const speech = {
    scores: matched.scores,
    margin: templateLead,
    foreignMargin: foreignLead,
    accepted: matched.speechSeconds > 0 && templateLead >= matched.requiredMargin && foreignLead >= FOREIGN_MARGIN,
  };
  const consentFaces = await faceDescriptors(videoPath, deps.tracker);
  const reference: Float32Array[] = [];
  for (const path of deps.referenceVideos) reference.push(...(await faceDescriptors(path, deps.tracker)));
  const face =
    consentFaces.length > 0 && reference.length > 0
      ? matchFace(consentFaces, reference)
      : { distance: Number.POSITIVE_INFINITY, threshold: 0, accepted: false };
  return createConsentRecord({
    sentence: pending.sentence,
    language: pending.language,
    decoys: pending.decoys,
    createdAt: now,
    takeDigest: take.audio,
    speech: { scores: speech.scores, margin: speech.margin, foreignMargin: speech.foreignMargin, accepted: speech.accepted },
    face: { distance: face.distance, threshold: face.threshold, accepted: face.accepted },
  });
}
