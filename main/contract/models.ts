// Schemas of the values that cross the contract (jobs, settings, doctor report, store stats); imported by every process.
import { z } from 'zod';

export const Theme = z.enum(['system', 'light', 'dark']);
export type Theme = z.infer<typeof Theme>;

export const Settings = z.object({
  theme: Theme,
  reducedMotion: z.boolean(),
});
export type Settings = z.infer<typeof Settings>;

export const JobKind = z.enum(['store.verify', 'store.gc', 'train', 'voice.train', 'voice.say', 'face.train', 'face.render', 'compose.render']);
export type JobKind = z.infer<typeof JobKind>;

export const JobState = z.enum(['queued', 'running', 'paused', 'completed', 'failed', 'cancelled', 'interrupted']);
export type JobState = z.infer<typeof JobState>;

export const JobId = z.string().regex(/^job_[0-9a-f]{16}$/, 'a job id looks like job_ followed by 16 hex digits');

export const JobProgress = z.object({
  fraction: z.number().min(0).max(1),
  message: z.string(),
  etaSeconds: z.number().nonnegative().nullable(),
});
export type JobProgress = z.infer<typeof JobProgress>;

export const Provider = z.enum(['cuda', 'dml', 'coreml', 'webgpu', 'cpu']);
export type Provider = z.infer<typeof Provider>;

/** Live figures of a training job. */
export const TrainingMetrics = z.object({
  step: z.number().int().nonnegative(),
  totalSteps: z.number().int().nonnegative(),
  epoch: z.number().int().nonnegative(),
  epochs: z.number().int().positive(),
  trainLoss: z.number().nullable(),
  valLoss: z.number().nullable(),
  bestEpoch: z.number().int().nullable(),
  bestValLoss: z.number().nullable(),
  examplesPerSec: z.number().nonnegative().nullable(),
  device: z.string(),
  /** Why the device asked for is not the one used (a fallback), else null. */
  deviceNote: z.string().nullable(),
  stoppedEarly: z.boolean(),
});
export type TrainingMetrics = z.infer<typeof TrainingMetrics>;

/** One point of a job's loss curves: a training loss every few steps, a validation loss at each epoch's end. */
export const LossPoint = z.object({
  step: z.number().int().nonnegative(),
  epoch: z.number().int().nonnegative(),
  trainLoss: z.number().nullable(),
  valLoss: z.number().nullable(),
});
export type LossPoint = z.infer<typeof LossPoint>;

export const Recipe = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  defaultEpochs: z.number().int().positive(),
});
export type Recipe = z.infer<typeof Recipe>;

export const TrainOptions = z
  .object({
    recipe: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'a recipe name is lowercase letters, digits and dashes'),
    epochs: z.number().int().min(1).max(10_000).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    provider: Provider.optional(),
    threads: z.number().int().min(1).max(256).optional(),
    learningRate: z.number().positive().max(1e9).optional(),
  })
  .strict();
export type TrainOptions = z.infer<typeof TrainOptions>;

export const Job = z.object({
  id: JobId,
  kind: JobKind,
  title: z.string(),
  state: JobState,
  progress: JobProgress,
  result: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).nullable(),
  error: z.string().nullable(),
  resumable: z.boolean(),
  metrics: TrainingMetrics.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Job = z.infer<typeof Job>;

export const CheckStatus = z.enum(['ok', 'warning', 'missing']);
export const DoctorCheck = z.object({
  id: z.string(),
  label: z.string(),
  status: CheckStatus,
  required: z.boolean(),
  detail: z.string(),
  fix: z.string().nullable(),
});
export type DoctorCheck = z.infer<typeof DoctorCheck>;

export const DoctorReport = z.object({
  checks: z.array(DoctorCheck),
  ok: z.boolean(),
});
export type DoctorReport = z.infer<typeof DoctorReport>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  home: z.string(),
  platform: z.string(),
  arch: z.string(),
  node: z.string(),
  electron: z.string().nullable(),
  transport: z.enum(['electron', 'loopback']),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const StoreStats = z.object({
  blobCount: z.number().int().nonnegative(),
  blobBytes: z.number().int().nonnegative(),
  unreferencedBlobs: z.number().int().nonnegative(),
  databaseBytes: z.number().int().nonnegative(),
  schemaVersion: z.number().int().nonnegative(),
});
export type StoreStats = z.infer<typeof StoreStats>;

export const TakeKind = z.enum(['voice', 'face', 'consent']);
export type TakeKind = z.infer<typeof TakeKind>;
export const TakeStatus = z.enum(['pass', 'warn', 'fail']);
export type TakeStatus = z.infer<typeof TakeStatus>;
export const RecordingId = z.string().regex(/^rec_[0-9a-f]{16}$/, 'a recording id looks like rec_ followed by 16 hex digits');

export const InterruptedRecording = z.object({
  id: RecordingId,
  /** null when the details written at its start were lost. */
  kind: TakeKind.nullable(),
  language: z.string().nullable(),
  promptId: z.string().nullable(),
  bytes: z.number().int().nonnegative(),
  modifiedAt: z.string(),
});
export type InterruptedRecording = z.infer<typeof InterruptedRecording>;
export const TakeId = z.string().regex(/^take_[0-9a-f]{16}$/, 'a take id looks like take_ followed by 16 hex digits');

/** What the analysis measured on a take's normalised audio (48 kHz mono): BS.1770 loudness, peaks, clipping, noise, speech. */
export const AudioMetrics = z.object({
  durationSeconds: z.number().nonnegative(),
  integratedLufs: z.number().nullable(),
  momentaryMaxLufs: z.number().nullable(),
  truePeakDbtp: z.number(),
  samplePeakDbfs: z.number(),
  clippedRatio: z.number().min(0).max(1),
  clippedRuns: z.number().int().nonnegative(),
  noiseFloorDbfs: z.number(),
  signalLevelDbfs: z.number(),
  snrDb: z.number(),
  speechRatio: z.number().min(0).max(1),
  speechSeconds: z.number().nonnegative(),
});
export type AudioMetrics = z.infer<typeof AudioMetrics>;

/** What the analysis measured on a face take's video (25 fps, tracked frame by frame). */
export const VideoMetrics = z.object({
  frames: z.number().int().nonnegative(),
  durationSeconds: z.number().nonnegative(),
  facePresentRatio: z.number().min(0).max(1),
  multipleFacesRatio: z.number().min(0).max(1),
  medianFaceSize: z.number().nullable(),
  medianYaw: z.number().nullable(),
  medianPitch: z.number().nullable(),
  medianRoll: z.number().nullable(),
  sharpness: z.number().nullable(),
  brightness: z.number().nullable(),
});
export type VideoMetrics = z.infer<typeof VideoMetrics>;

export const Take = z.object({
  id: TakeId,
  kind: TakeKind,
  /** BCP-47 tag of what is spoken. */
  language: z.string(),
  promptId: z.string().nullable(),
  transcript: z.string().nullable(),
  source: z.enum(['recorded', 'imported']),
  /** The file or device it came from, for the creator's reference. */
  sourceName: z.string(),
  audio: z.string(),
  video: z.string().nullable(),
  metrics: AudioMetrics,
  videoMetrics: VideoMetrics.nullable(),
  status: TakeStatus,
  reasons: z.array(z.string()),
  createdAt: z.string(),
});
export type Take = z.infer<typeof Take>;

/** A language's prompts with the creator's progress through them. */
export const PromptScript = z.object({
  language: z.string(),
  name: z.string(),
  prompts: z.array(z.object({ id: z.string(), text: z.string(), takeId: z.string().nullable() })),
  recordedPrompts: z.number().int().nonnegative(),
  speechSeconds: z.number().nonnegative(),
  languages: z.array(z.object({ tag: z.string(), name: z.string() })),
});
export type PromptScript = z.infer<typeof PromptScript>;

export const TrackedFace = z.object({
  box: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }),
  score: z.number(),
  landmarks: z.array(z.tuple([z.number(), z.number()])).length(68),
});
export type TrackedFace = z.infer<typeof TrackedFace>;

export const ConsentId = z.string().regex(/^consent_[0-9a-f]{16}$/, 'a consent id looks like consent_ followed by 16 hex digits');

/** What the consent take proved: the sentence read, how it matched, and whether the face matches the face takes. */
export const ConsentRecord = z.object({
  id: ConsentId,
  sentence: z.string(),
  language: z.string(),
  decoys: z.array(z.string()),
  createdAt: z.string(),
  takeDigest: z.string(),
  speech: z.object({
    scores: z.array(z.object({ text: z.string(), cost: z.number().nullable(), isSentence: z.boolean() })),
    /** Lead over the same-template decoys (the random words were read). */
    margin: z.number().nullable(),
    /** Lead over different sentences (it is this sentence at all). */
    foreignMargin: z.number().nullable(),
    accepted: z.boolean(),
  }),
  face: z.object({ distance: z.number().nullable(), threshold: z.number(), accepted: z.boolean() }),
  accepted: z.boolean(),
  capturedBy: z.literal('in-app recorder'),
});
export type ConsentRecord = z.infer<typeof ConsentRecord>;

/** Held-out quality of a voice model: distortion of the converted speech against the creator's real takes, beside two baselines. */
export const VoiceReport = z.object({
  /** Takes trained on and takes held out (never trained on), with their seconds of speech. */
  trainTakes: z.number().int().nonnegative(),
  heldOutTakes: z.number().int().nonnegative(),
  trainSpeechSeconds: z.number().nonnegative(),
  /** Mel-cepstral distortion (dB, DTW-aligned, c0 excluded) against the real held-out takes. */
  mcdSourceDb: z.number(),
  mcdAffineDb: z.number(),
  mcdConvertedDb: z.number(),
  /** 1 − converted/source. */
  mcdReduction: z.number(),
  /** converted/affine: under 1 means the network beats one global affine map of the cepstra. */
  mcdVsAffine: z.number(),
  f0RmseCents: z.number(),
  /** Share of aligned frames whose voicing differs. */
  voicingError: z.number(),
  /** Mean alignment cost (dB per step) of each round: raw features first, then after each affine conversion. */
  alignmentCosts: z.array(z.number()),
  speakingRate: z.object({ ratio: z.number(), wordsPerMinute: z.number().int() }),
  f0: z.object({ sourceMeanHz: z.number(), targetMeanHz: z.number() }),
  languages: z.array(z.object({ tag: z.string(), measured: z.boolean(), mcdConvertedDb: z.number().nullable() })),
  trainingSeconds: z.number().nonnegative(),
  notes: z.array(z.string()),
});
export type VoiceReport = z.infer<typeof VoiceReport>;

/** A blob of the data home's content-addressed store. */
export const BlobDigest = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'a blob digest looks like sha256: followed by 64 hex digits');

export const VoiceModelId = z.string().regex(/^voice_[0-9a-f]{16}$/, 'a voice model id looks like voice_ followed by 16 hex digits');

export const VoiceModel = z.object({
  id: VoiceModelId,
  /** 1 for the first model of this studio, then counting up. */
  version: z.number().int().positive(),
  model: BlobDigest,
  report: VoiceReport,
  /** The held-out take heard in the A/B/C player: eSpeak NG (source), converted, and the real take. */
  samples: z.object({ source: BlobDigest, converted: BlobDigest, real: BlobDigest, text: z.string() }).nullable(),
  jobId: JobId,
  createdAt: z.string(),
});
export type VoiceModel = z.infer<typeof VoiceModel>;

/** How a stage's model (voice, face) is trained: the recipe is the stage's own, the takes are the creator's. */
export const StageTrainOptions = z
  .object({
    epochs: z.number().int().min(1).max(1000).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    provider: Provider.optional(),
    threads: z.number().int().min(1).max(256).optional(),
  })
  .strict();
export type StageTrainOptions = z.infer<typeof StageTrainOptions>;
export const VoiceTrainOptions = StageTrainOptions;
export type VoiceTrainOptions = StageTrainOptions;

export const VoiceSayOptions = z
  .object({
    /** Any length: it is spoken sentence by sentence. */
    text: z.string().min(1).max(100_000),
    language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP-47 language tag such as en or pt-BR'),
    /** Pace relative to the creator's own, 0.5 to 2. */
    rate: z.number().min(0.5).max(2).optional(),
    /** Default: the newest voice model. */
    model: VoiceModelId.optional(),
  })
  .strict();
export type VoiceSayOptions = z.infer<typeof VoiceSayOptions>;

/** One row of the face report: mouth landmark distance (crop pixels, by re-tracking rendered frames) and SSIM inside the mouth mask. */
export const FaceScores = z.object({ lmd: z.number(), ssim: z.number() });

/** Held-out quality of a face model, driven by the held-out takes' real audio, beside two baselines measured in the same run. */
export const FaceReport = z.object({
  trainTakes: z.number().int().nonnegative(),
  heldOutTakes: z.number().int().nonnegative(),
  trainFrames: z.number().int().nonnegative(),
  heldOutFrames: z.number().int().nonnegative(),
  model: FaceScores,
  /** The idle loop untouched. */
  idle: FaceScores,
  /** The training mouth whose audio is closest (Video Rewrite style). */
  nearest: FaceScores,
  idleSeconds: z.number().nonnegative(),
  preprocessMsPerFrame: z.number().nonnegative(),
  trainingSeconds: z.number().nonnegative(),
  device: z.string(),
  excluded: z.array(z.object({ id: z.string(), reason: z.string() })),
  notes: z.array(z.string()),
});
export type FaceReport = z.infer<typeof FaceReport>;

export const FaceModelId = z.string().regex(/^face_[0-9a-f]{16}$/, 'a face model id looks like face_ followed by 16 hex digits');

export const FaceModel = z.object({
  id: FaceModelId,
  version: z.number().int().positive(),
  model: BlobDigest,
  /** The idle loop's frames (MP4) the renderer draws the mouth into. */
  idle: BlobDigest,
  report: FaceReport,
  /** A held-out segment side by side: real, model, nearest-neighbour baseline (MP4). */
  sample: BlobDigest.nullable(),
  jobId: JobId,
  createdAt: z.string(),
});
export type FaceModel = z.infer<typeof FaceModel>;

export const FaceTrainOptions = StageTrainOptions;
export type FaceTrainOptions = StageTrainOptions;

export const FaceRenderOptions = z
  .object({
    /** A WAV of the studio: a spoken text (voice.say) or a take. */
    audio: BlobDigest,
    model: FaceModelId.optional(),
  })
  .strict();
export type FaceRenderOptions = z.infer<typeof FaceRenderOptions>;

export const EthAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'an Ethereum address looks like 0x followed by 40 hex digits');

/** The creator's identity as the UI sees it: never the key, the words or the passphrase. */
export const IdentityStatus = z.object({
  exists: z.boolean(),
  address: EthAddress.optional(),
  unlocked: z.boolean(),
  unlockExpiresAt: z.string().optional(),
  /** The creator answered the recovery-word check (or restored from words or a keystore file they hold). */
  backedUp: z.boolean(),
});
export type IdentityStatus = z.infer<typeof IdentityStatus>;

/** Strength is judged by the studio (at least 8 characters for a new one), so an existing keystore's shorter passphrase still opens it. */
export const Passphrase = z.string().min(1, 'enter the passphrase').max(1024);

/** BIP-39 recovery words, in order. */
export const RecoveryWords = z.array(z.string().min(1).max(16)).min(12).max(24);

// --- Twins: the sealed container of the creator's models, consent and rules (main/core/twin) ---------------------

export const TwinId = z.string().regex(/^twin_[0-9a-f]{12}$/, 'a twin id looks like twin_ followed by 12 hex digits');

/** A sha256 digest of a twin's manifest, rules or consent record. */
export const TwinDigest = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'a digest looks like sha256: followed by 64 hex digits');

// Mirrors of the studio's rules vocabulary (main/core/twin/rules/schema.ts): the contract cannot import the core, and a
// test keeps the two lists equal.
export const TWIN_RULES_SCHEMA = 'likeness.rules/v1';
export const TWIN_PURPOSES = ['personal', 'education', 'commercial-video', 'advertising', 'news', 'entertainment', 'accessibility', 'research'] as const;
export const TwinPurpose = z.enum(TWIN_PURPOSES);
export type TwinPurpose = z.infer<typeof TwinPurpose>;
export const TWIN_CONTENT_CATEGORIES = ['political', 'sexual', 'hate', 'violence', 'impersonation', 'medical-advice', 'financial-advice'] as const;
export const TwinContentCategory = z.enum(TWIN_CONTENT_CATEGORIES);
export type TwinContentCategory = z.infer<typeof TwinContentCategory>;
export const TWIN_PART_NAMES = ['voice-model', 'voice-report', 'face-model', 'face-idle', 'face-report', 'consent-record', 'consent-take'] as const;
export const TwinPartName = z.enum(TWIN_PART_NAMES);
export type TwinPartName = z.infer<typeof TwinPartName>;

/**
 * A twin's rules as the studio answers them: the shape of the rules document. The full checks (language tags,
 * addresses, thresholds, fees, expiry) are the studio's, which names every error at its field; rules a caller sends
 * travel as a TwinRulesDraft.
 */
export const TwinRules = z.object({
  schema: z.literal(TWIN_RULES_SCHEMA),
  purposes: z.array(TwinPurpose),
  languages: z.union([z.literal('any'), z.array(z.string())]),
  blockedCategories: z.array(TwinContentCategory),
  blockedTerms: z.array(z.string()),
  aiLabelRequired: z.boolean(),
  /** A UTC timestamp, or null for rules that never expire. */
  expiresAt: z.string().nullable(),
  validators: z.object({ addresses: z.array(EthAddress), threshold: z.number().int().nonnegative() }),
  /** The fee in wei as a decimal string (uint256 on chain), or null for none. */
  licenceFee: z.object({ amountWei: z.string().regex(/^(?:0|[1-9][0-9]*)$/, 'a whole number of wei'), currency: z.literal('ETH') }).nullable(),
});
export type TwinRules = z.infer<typeof TwinRules>;

/** Rules as a caller sends them, from an editor or a file: any object here; the studio checks it field by field and names each error. */
export const TwinRulesDraft = z.record(z.string(), z.unknown());
export type TwinRulesDraft = z.infer<typeof TwinRulesDraft>;

/** The rules a new twin starts with (the studio's defaultRules): personal and educational use only, the harmful categories blocked, labelled, no fee. */
export function defaultTwinRules(): TwinRules {
  return {
    schema: TWIN_RULES_SCHEMA,
    purposes: ['personal', 'education'],
    languages: 'any',
    blockedCategories: ['political', 'sexual', 'hate', 'violence', 'impersonation'],
    blockedTerms: [],
    aiLabelRequired: true,
    expiresAt: null,
    validators: { addresses: [], threshold: 0 },
    licenceFee: null,
  };
}

/** One error in a rules draft: the dotted path of its field (`languages.2`, `validators.threshold`; empty for the whole document). */
export const TwinRuleError = z.object({ path: z.string(), message: z.string() });
export type TwinRuleError = z.infer<typeof TwinRuleError>;

/** One thing wrong with a twin, naming the part it is in (`manifest`, `owner signature`, `layer voice-model`, …). */
export const TwinProblem = z.object({ part: z.string(), message: z.string() });
export type TwinProblem = z.infer<typeof TwinProblem>;

/** A sealed model version's card: its headline quality figures; the full report is a sealed part. */
export const TwinModelCard = z.object({
  kind: z.enum(['voice', 'face']),
  version: z.number().int().positive(),
  createdAt: z.string(),
  figures: z.record(z.string(), z.number()),
});
export type TwinModelCard = z.infer<typeof TwinModelCard>;

/** A twin of this studio as anyone can read it, without a key: its public descriptor, recipients and current rules. */
export const TwinSummary = z.object({
  id: TwinId,
  name: z.string(),
  manifestDigest: TwinDigest,
  owner: EthAddress,
  createdAt: z.string(),
  /** 1 for the rules sealed with it, then counting up with each published version. */
  rulesVersion: z.number().int().positive(),
  rulesDigest: TwinDigest,
  rules: TwinRules,
  /** The current rules in plain language, one line per rule. */
  rulesSummary: z.array(z.string()),
  /** The encrypted parts and their sizes as stored. */
  parts: z.array(z.object({ name: TwinPartName, size: z.number().int().nonnegative() })),
  models: z.array(TwinModelCard),
  consent: z.object({ digest: TwinDigest, language: z.string(), accepted: z.boolean(), createdAt: z.string() }).nullable(),
  /** Who holds a key to it here: the owner and each grantee (empty once erased). */
  recipients: z.array(z.object({ address: EthAddress, grantedAt: z.string() })),
  /** Problems found reading its structure and signatures (layers are hashed only by twin.verify). */
  problems: z.array(TwinProblem),
});
export type TwinSummary = z.infer<typeof TwinSummary>;

/** Every check on a twin: structure, signatures, every layer's digest and, with `decrypted`, every chunk decrypted and authenticated. */
export const TwinVerification = z.object({
  ok: z.boolean(),
  problems: z.array(TwinProblem),
  /** Whether the layers were also decrypted with the unlocked identity's key. */
  decrypted: z.boolean(),
  /** The current rules version; null when the twin could not be read at all. */
  rulesVersion: z.number().int().positive().nullable(),
  /** The owner named by its descriptor (whose signature was checked); null when it could not be read. */
  owner: EthAddress.nullable(),
  manifestDigest: TwinDigest.nullable(),
});
export type TwinVerification = z.infer<typeof TwinVerification>;

/** A secp256k1 public key (0x, compressed 33 bytes or uncompressed 65), such as a licensee's; never a private key. */
export const TwinPublicKey = z
  .string()
  .trim()
  .regex(/^0x(?:0[23][0-9a-fA-F]{64}|04[0-9a-fA-F]{128})$/, 'a public key is 0x followed by 66 hex digits (compressed) or 130 (uncompressed, starting 04)');

/** A file on the studio's computer (the bridge runs locally): an absolute path. */
export const StudioFilePath = z
  .string()
  .trim()
  .min(1, 'enter a file path')
  .max(4096)
  .regex(/^(?:\/|[A-Za-z]:[\\/]|\\\\)/, 'an absolute path on the studio computer, such as /home/me/my-twin.tar');

/** An OCI registry's base URL, http or https. */
export const RegistryUrl = z
  .string()
  .trim()
  .min(1, 'enter the registry URL')
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  }, 'an http or https URL without credentials, such as https://ghcr.io or http://127.0.0.1:5000');

/** An OCI repository name (distribution spec): lowercase parts separated by slashes. */
export const RegistryRepository = z
  .string()
  .trim()
  .max(255)
  .regex(/^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/, 'a repository name is lowercase letters, digits, . _ - and slashes, such as me/my-twin');

export const RegistryTag = z.string().trim().regex(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/, 'a tag is up to 128 letters, digits, . _ or -, not starting with . or -');

/** A tag or a sha256 digest. */
export const RegistryReference = z.union([RegistryTag, TwinDigest], { error: 'a tag (such as v1) or a sha256 digest' });

/** A registry bearer token: sent to the registry only, never stored, answered or logged. Its message never repeats it. */
export const RegistryToken = z.string().min(1).max(16_384).regex(/^[\x21-\x7e]+$/, 'a token is printable characters without spaces');

// --- Chain: networks, the outbox of signed transactions, publishing (main/core/chain) -----------------------------

/** A network's key in settings; "local" is the studio's own private chain. Mirrors the studio's id rule. */
export const NetworkId = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, 'a network id is 1 to 40 lower-case letters, digits or inner hyphens, such as sepolia');

/** A uint256 (wei, gas, token id) as a decimal string: JSON numbers lose precision past 2^53. */
export const DecimalString = z.string().regex(/^(?:0|[1-9][0-9]*)$/, 'a whole number in decimal digits');

export const TxHash = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'a transaction hash looks like 0x followed by 64 hex digits');

/** A network as the UI shows it. */
export const ChainNetwork = z.object({
  id: NetworkId,
  name: z.string(),
  /**
   * Only the RPC address's origin ("/…" when a path or query was left out): hosted RPC URLs carry their API key.
   * Null for the local chain until it runs, since its port is chosen when it starts.
   */
  rpcUrl: z.string().nullable(),
  chainId: z.number().int().positive(),
  /** A transaction page template with {tx} where the hash goes, or null for none. */
  explorer: z.string().nullable(),
  local: z.boolean(),
  /** Whether the local chain runs now; null for the creator's networks, which are known only by reaching them (chain.status). */
  running: z.boolean().nullable(),
});
export type ChainNetwork = z.infer<typeof ChainNetwork>;

/**
 * A network the creator adds. Only shapes here: the studio checks the values (URL schemes, the explorer's {tx},
 * the reserved "local" id) and names the field of each error.
 */
export const ChainNetworkInput = z
  .object({
    id: NetworkId,
    name: z.string().max(200),
    rpcUrl: z.string().max(2048),
    chainId: z.number({ error: 'a positive whole number, such as 1 for Ethereum mainnet' }),
    explorer: z.string().max(2048).optional(),
  })
  .strict();
export type ChainNetworkInput = z.infer<typeof ChainNetworkInput>;

// Mirrors of the outbox's vocabulary (main/core/chain/outbox.ts), kept equal by a test.
export const CHAIN_OUTBOX_KINDS = ['redeem', 'rules', 'validators', 'fee', 'request', 'approve', 'revoke', 'anchor'] as const;
export const CHAIN_OUTBOX_STATES = ['queued', 'sent', 'done', 'failed'] as const;

/** One transaction the studio means to send, as stored before sending. Its payload (the signed voucher…) stays in the studio. */
export const ChainOutboxItem = z.object({
  id: z.string().regex(/^out_[0-9a-f]{16}$/, 'an outbox id looks like out_ followed by 16 hex digits'),
  kind: z.enum(CHAIN_OUTBOX_KINDS),
  chainId: z.number().int().positive(),
  registry: EthAddress,
  twinId: TwinId.nullable(),
  tokenId: DecimalString.nullable(),
  /** queued: signed, not sent; sent: has a hash, not yet seen mined; done: the chain shows it; failed: the chain refused it (see error). */
  state: z.enum(CHAIN_OUTBOX_STATES),
  txHash: TxHash.nullable(),
  /** The transaction's explorer page, on networks with an explorer. */
  txUrl: z.string().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ChainOutboxItem = z.infer<typeof ChainOutboxItem>;

export const ChainStatus = z.object({
  network: ChainNetwork,
  reachable: z.boolean(),
  /** Why it could not be reached, when it could not. */
  problem: z.string().nullable(),
  blockNumber: z.number().int().nonnegative().nullable(),
  registry: EthAddress,
  deployed: z.boolean(),
  /** What waits to be published on this network, oldest first. */
  pending: z.array(ChainOutboxItem),
});
export type ChainStatus = z.infer<typeof ChainStatus>;

/** One transaction as the creator confirms it, priced at the network's gas price when planned. */
export const PlannedTransaction = z.object({
  item: ChainOutboxItem,
  description: z.string(),
  gas: DecimalString,
  feeWei: DecimalString,
  /** The fee in ETH, exact, for people. */
  feeEth: z.string(),
});
export type PlannedTransaction = z.infer<typeof PlannedTransaction>;

export const ChainPlan = z.object({
  network: z.object({ id: NetworkId, name: z.string() }),
  /** In the order they would be sent; chain.publish takes their count as the confirmation. */
  transactions: z.array(PlannedTransaction),
  totalFeeWei: DecimalString,
  totalFeeEth: z.string(),
  /** Entries found already done on the chain while planning, now settled. */
  settled: z.array(ChainOutboxItem),
  /** Entries the chain would refuse (their estimate reverted), now marked failed with the reason. */
  failed: z.array(ChainOutboxItem),
});
export type ChainPlan = z.infer<typeof ChainPlan>;

export const ChainPublishResult = z.object({
  network: z.object({ id: NetworkId, name: z.string() }),
  settled: z.array(ChainOutboxItem),
  sent: z.array(ChainOutboxItem),
  failed: z.array(ChainOutboxItem),
});
export type ChainPublishResult = z.infer<typeof ChainPublishResult>;

// --- Ledger: licence requests, grants, usage receipts and their proofs (main/core/ledger) -------------------------

/** A licence's hash (the request's EIP-712 document hash), a receipt id or a Merkle root: 0x and 64 hex digits. */
export const LedgerHash = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'a hash looks like 0x followed by 64 hex digits');

/** A ledger file as pasted or loaded: its text, or its parsed JSON. The studio checks it field by field and names each error. */
export const LedgerFileInput = z.union([z.string().min(1, 'paste or load the file').max(1_000_000), z.record(z.string(), z.unknown())], {
  error: 'the file as text, or its parsed JSON object',
});

export const LICENCE_STATES = ['requested', 'refused', 'granted', 'revoked'] as const;
export const LicenceState = z.enum(LICENCE_STATES);
export type LicenceState = z.infer<typeof LicenceState>;

/** What a licensee asks for, as they signed nothing yet: the twin, the token on a chain when bound to one, the use. */
export const LicenceRequest = z.object({
  schema: z.string(),
  twin: TwinDigest,
  tokenId: DecimalString.nullable(),
  chainId: z.number().int().positive().nullable(),
  registry: EthAddress.nullable(),
  licensee: EthAddress,
  licenseePublicKey: z.string(),
  purpose: TwinPurpose,
  languages: z.array(z.string()),
  term: z.object({ from: z.string(), to: z.string() }),
  maxRenders: z.number().int().nonnegative(),
  requestedAt: z.string(),
});
export type LicenceRequest = z.infer<typeof LicenceRequest>;

/** One rule a request breaks: a twin rule (purpose, language, …) or 'licence-term' / 'max-renders'. */
export const LicenceViolation = z.object({ rule: z.string(), message: z.string() });
export type LicenceViolation = z.infer<typeof LicenceViolation>;

export const LicenceEvaluation = z.object({
  licenseHash: LedgerHash,
  allowed: z.boolean(),
  violations: z.array(LicenceViolation),
  /** A licence already granted or revoked keeps its state whatever a new evaluation says. */
  state: LicenceState,
});
export type LicenceEvaluation = z.infer<typeof LicenceEvaluation>;

/** A validator's signed approval of one licence, for one validator-set epoch. */
export const LicenceApproval = z.object({
  schema: z.string(),
  chainId: z.number().int().positive(),
  registry: EthAddress,
  tokenId: DecimalString,
  licenseHash: LedgerHash,
  epoch: z.number().int().nonnegative(),
  validator: EthAddress,
  signature: z.string(),
});
export type LicenceApproval = z.infer<typeof LicenceApproval>;

/** The licence as the owner signs it for the licensee: the file to hand over. */
export const LicenceGrant = z.object({
  schema: z.string(),
  request: LicenceRequest,
  licenseHash: LedgerHash,
  grantedAt: z.string(),
  creator: EthAddress,
  signature: z.string(),
});
export type LicenceGrant = z.infer<typeof LicenceGrant>;

export const LicenceRecord = z.object({
  licenseHash: LedgerHash,
  twinId: TwinId,
  request: LicenceRequest,
  state: LicenceState,
  grant: LicenceGrant.nullable(),
  /** The validators' approval files the grant counted (none before it is granted). */
  approvals: z.array(LicenceApproval),
  chainId: z.number().int().positive().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type LicenceRecord = z.infer<typeof LicenceRecord>;

export const LicenceGrantOutcome = z.object({
  grant: LicenceGrant,
  /** The licensee's address the twin's content key was wrapped for. */
  envelopeRecipient: EthAddress,
  /** The queued approval; publishing sends it. */
  outboxId: z.string(),
  approvedBy: z.array(EthAddress),
  notes: z.array(z.string()),
});
export type LicenceGrantOutcome = z.infer<typeof LicenceGrantOutcome>;

export const LicenceRevocation = z.object({
  outboxId: z.string(),
  /** What revocation cannot stop, in words for the creator. */
  reminder: z.string(),
});
export type LicenceRevocation = z.infer<typeof LicenceRevocation>;

/** The most renders one licence may allow; the studio's evaluation refuses more. */
export const MAX_LICENCE_RENDERS = 1_000_000;

/** What a licensee asks for; the studio adds their address and public key and, with a network, the twin's token there. */
export const LicenceRequestFields = z
  .object({
    twin: TwinDigest,
    purpose: TwinPurpose,
    languages: z.array(z.string().trim().min(1).max(35)).min(1, 'name at least one language').max(50, 'at most 50 languages'),
    term: z.object({ from: z.iso.datetime({ error: 'a UTC time such as 2027-03-01T00:00:00Z' }), to: z.iso.datetime({ error: 'a UTC time such as 2027-03-01T00:00:00Z' }) }).strict(),
    maxRenders: z.number().int('a whole number of renders').min(1, 'at least 1 render').max(MAX_LICENCE_RENDERS, `at most ${MAX_LICENCE_RENDERS.toLocaleString('en')} renders`),
    networkId: NetworkId.optional(),
  })
  .strict()
  // Refused here rather than in the owner's evaluation, so the licensee never sends a request that cannot be granted.
  .refine((fields) => Date.parse(fields.term.from) < Date.parse(fields.term.to), { path: ['term', 'to'], message: 'the term must end after it starts' });
export type LicenceRequestFields = z.infer<typeof LicenceRequestFields>;

/** What paying a licence's fee did: queued (publishing sends it), or nothing to pay and why. */
export const LicenceFeePayment = z.object({
  /** The queued requestLicense entry; null when the licence is free or its fee already paid. */
  outboxId: z.string().nullable(),
  feeWei: DecimalString,
  message: z.string(),
});
export type LicenceFeePayment = z.infer<typeof LicenceFeePayment>;

/** A usage receipt: one rendered file, signed by its renderer. */
export const UsageReceipt = z.object({
  schema: z.string(),
  twin: TwinDigest,
  /** The licence hash the render was made under, or 'owner'. */
  licence: z.string(),
  output: TwinDigest,
  purpose: TwinPurpose,
  language: z.string(),
  time: z.string(),
  renderer: EthAddress,
});
export type UsageReceipt = z.infer<typeof UsageReceipt>;

export const StoredReceipt = z.object({
  id: LedgerHash,
  twinId: TwinId,
  manifestDigest: TwinDigest,
  time: z.string(),
  /** The Merkle root of its batch; null until it is anchored. */
  batchRoot: LedgerHash.nullable(),
  signed: z.object({ receipt: UsageReceipt, signature: z.string() }),
});
export type StoredReceipt = z.infer<typeof StoredReceipt>;

export const ReceiptAnchorResult = z.object({ root: LedgerHash, count: z.number().int().positive(), outboxId: z.string() });
export type ReceiptAnchorResult = z.infer<typeof ReceiptAnchorResult>;

/** The proof file for one anchored receipt: the receipt, its Merkle path and where the root is anchored. */
export const ReceiptProof = z.object({
  schema: z.string(),
  chainId: z.number().int().positive(),
  registry: EthAddress,
  tokenId: DecimalString,
  batch: z.object({ count: z.number().int().positive(), fromTime: z.string(), toTime: z.string() }),
  receipt: UsageReceipt,
  signature: z.string(),
  receiptId: LedgerHash,
  leaf: LedgerHash,
  root: LedgerHash,
  proof: z.array(LedgerHash),
});
export type ReceiptProof = z.infer<typeof ReceiptProof>;

export const ProofVerification = z.object({
  /** Every check that ran passed; `chain.reached` says whether the on-chain ones were among them. */
  ok: z.boolean(),
  receiptId: z.string(),
  root: z.string(),
  onChain: z.object({ tokenId: DecimalString, anchoredAt: z.string(), accepted: z.boolean() }).nullable(),
  chain: z.object({ reached: z.boolean(), network: z.string().nullable(), message: z.string() }),
  problems: z.array(z.string()),
});
export type ProofVerification = z.infer<typeof ProofVerification>;
