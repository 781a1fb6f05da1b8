// Which face takes the face model trains on: video with one clear, frontal face; too little usable video is refused with how much more to record; main process.
import { LikenessError } from '../../contract/errors.js';
import type { Take } from '../../contract/models.js';
import { heldOutIndices } from '../ml/train/held-out.js';
import { VIDEO_LIMITS } from '../vision/video-analysis.js';

/** Less usable video than this cannot teach a mouth. */
export const MIN_VIDEO_SECONDS = 60;

export interface FaceTrainTake {
  id: string;
  /** The take's video as recorded or imported. */
  video: string;
  heldOut: boolean;
}

export interface FacePlan {
  takes: FaceTrainTake[];
  videoSeconds: number;
  /** Takes left out, each with the reason the creator can act on. */
  excluded: { id: string; reason: string }[];
}

function minutes(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m > 0 ? `${m} min ${s} s` : `${s} s`;
}

/** Why a take cannot train the face, or null when it can. */
export function exclusionReason(take: Take): string | null {
  const v = take.videoMetrics;
  if (take.video === null || v === null) return 'no video';
  if (v.facePresentRatio < VIDEO_LIMITS.facePresent.fail) return `a face in only ${Math.round(v.facePresentRatio * 100)}% of its frames`;
  if (v.multipleFacesRatio > VIDEO_LIMITS.multipleFaces.fail) return `several faces in ${Math.round(v.multipleFacesRatio * 100)}% of its frames: record alone`;
  if (v.medianFaceSize !== null && v.medianFaceSize < VIDEO_LIMITS.faceSizeMin.fail) return `the face is too small (${Math.round(v.medianFaceSize * 100)}% of the frame height): move closer`;
  if (v.medianYaw !== null && Math.abs(v.medianYaw) > VIDEO_LIMITS.yaw.fail) return `the face is turned away (${Math.round(v.medianYaw)}°): face the camera`;
  if (take.status === 'fail') return take.reasons[0] ?? 'it failed its checks';
  return null;
}

export function planFaceTraining(all: readonly Take[], pathOf: (digest: string) => string): FacePlan {
  const excluded: FacePlan['excluded'] = [];
  const usable = all
    .filter((t) => t.kind === 'face')
    .filter((t) => {
      const reason = exclusionReason(t);
      if (reason) excluded.push({ id: t.id, reason });
      return reason === null;
    })
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  const videoSeconds = usable.reduce((n, t) => n + t.videoMetrics!.durationSeconds * t.videoMetrics!.facePresentRatio, 0);
  if (videoSeconds < MIN_VIDEO_SECONDS || usable.length < 2) {
    const why = excluded.length > 0 ? ` Left out: ${excluded.map((e) => `${e.id} (${e.reason})`).join('; ')}.` : '';
    throw new LikenessError(
      'invalid-input',
      `${minutes(videoSeconds)} of usable face video in ${usable.length} take(s): record at least ${minutes(Math.max(0, MIN_VIDEO_SECONDS - videoSeconds))} more (${minutes(MIN_VIDEO_SECONDS)} in at least 2 face takes).${why}`,
    );
  }
  const held = heldOutIndices(usable.length);
  return { takes: usable.map((t, i) => ({ id: t.id, video: pathOf(t.video!), heldOut: held.has(i) })), videoSeconds, excluded };
}
