// The face model's fixed geometry and rates, and the per-take data every face module shares; main process and workers.

/** Video is analysed and rendered at 25 frames per second. */
export const FACE_FPS = 25;
/** Side of the canonical (aligned) face image, pixels. */
export const CANONICAL_SIZE = 256;
/** Side of the mouth crop the network sees and draws, pixels (a square in canonical coordinates). */
export const MOUTH_SIZE = 96;
/** The mouth crop's top-left corner and side in canonical coordinates (the crop is resampled to MOUTH_SIZE). */
export const MOUTH_BOX = { x: 64, y: 136, size: 128 } as const;
/** Audio features: log-mel bands at a 10 ms hop, from 16 kHz audio. */
export const MEL_BANDS = 40;
export const MEL_HOP_SECONDS = 0.01;
/** Mel frames per video frame's audio window: ±0.2 s around the frame's centre. */
export const AUDIO_WINDOW = 40;

/** A similarity transform x' = a·x − b·y + tx, y' = b·x + a·y + ty (frame pixels → canonical pixels). */
export interface Similarity {
  readonly a: number;
  readonly b: number;
  readonly tx: number;
  readonly ty: number;
}

/** One take prepared for the face model: everything per video frame at FACE_FPS. */
export interface PreparedFaceTake {
  readonly frames: number;
  readonly width: number;
  readonly height: number;
  /** 68 smoothed landmarks per frame (x, y interleaved, frame pixels); NaN where no single face was found. */
  readonly landmarks: Float32Array;
  /** Frame → canonical transform per frame (a, b, tx, ty interleaved); NaN where no face. */
  readonly transforms: Float32Array;
  /** Mouth crops, MOUTH_SIZE² RGB per frame, uint8. */
  readonly mouths: Uint8Array;
  /** Log-mel windows, AUDIO_WINDOW × MEL_BANDS per frame, float32. */
  readonly audio: Float32Array;
  /** Mouth openness per frame (inner-lip gap over mouth width, from the landmarks), for idle-loop choice and reports. */
  readonly openness: Float32Array;
}
