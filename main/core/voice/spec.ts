// The voice model's fixed analysis settings and the per-frame representation every voice module shares; main process and workers.

/** Voice analysis and synthesis run at 24 kHz: above eSpeak NG's 22.05 kHz, a clean 2:1 from the 48 kHz takes. */
export const VOICE_RATE = 24_000;
/** 5 ms hop, as in WORLD. */
export const FRAME_SECONDS = 0.005;
/** Mel-cepstral order M: M + 1 = 40 coefficients per frame, c0 (log energy) first. */
export const MCEP_ORDER = 39;
export const MCEP_SIZE = MCEP_ORDER + 1;

/** One utterance analysed: all arrays have one entry per 5 ms frame. */
export interface VoiceFrames {
  /** F0 in Hz, 0 where unvoiced. */
  readonly f0: Float32Array;
  /** Mel-cepstrum, MCEP_SIZE coefficients per frame (natural-log amplitude units). */
  readonly mcep: Float32Array[];
  /** Band aperiodicity per frame, 0..1 per band of `defaultBandEdges(VOICE_RATE)`. */
  readonly bap: Float32Array[];
}
