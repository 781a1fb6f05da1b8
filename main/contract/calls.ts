// The one list of calls the UI may make: name, input schema, output schema; imported by every process.
import { z } from 'zod';
import { ComposeOutput, ComposeOutputId, ComposeProject, ComposeProjectId, ComposeRenderOptions, ComposeScript, VerifyVerdict } from './compose.js';
import { AppInfo, DoctorReport, Job, JobId, JobKind, LossPoint, PromptScript, Recipe, Settings, StoreStats, Take, TakeId, TakeKind, TrackedFace, TrainOptions, RecordingId, ConsentId, ConsentRecord, InterruptedRecording, BlobDigest, VoiceModel, VoiceSayOptions, VoiceTrainOptions, FaceModel, FaceRenderOptions, FaceTrainOptions, EthAddress, IdentityStatus, Passphrase, RecoveryWords, FaceModelId, VoiceModelId, TwinId, TwinDigest, TwinSummary, TwinVerification, TwinRulesDraft, TwinRuleError, TwinPublicKey, StudioFilePath, RegistryUrl, RegistryRepository, RegistryTag, RegistryReference, RegistryToken, ChainNetwork, ChainNetworkInput, ChainOutboxItem, ChainPlan, ChainPublishResult, ChainStatus, NetworkId, LedgerHash, LedgerFileInput, LicenceEvaluation, LicenceGrantOutcome, LicenceRecord, LicenceRevocation, StoredReceipt, ReceiptAnchorResult, ReceiptProof, ProofVerification } from './models.js';
import { DecimalString, LicenceApproval, LicenceFeePayment, LicenceRequest, LicenceRequestFields } from './models.js';

const NoInput = z.object({}).strict();

export const calls = {
  'app.info': { input: NoInput, output: AppInfo },
  'settings.get': { input: NoInput, output: Settings },
  'settings.update': { input: Settings.partial().strict(), output: Settings },
  'doctor.run': { input: NoInput, output: DoctorReport },
  'store.stats': { input: NoInput, output: StoreStats },
  'jobs.list': {
    input: z.object({ limit: z.number().int().min(1).max(500).default(50) }).strict(),
    output: z.array(Job),
  },
  'jobs.start': { input: z.object({ kind: JobKind.exclude(['train']) }).strict(), output: Job },
  'jobs.cancel': { input: z.object({ id: JobId }).strict(), output: Job },
  'jobs.pause': { input: z.object({ id: JobId }).strict(), output: Job },
  'jobs.resume': { input: z.object({ id: JobId }).strict(), output: Job },
  'jobs.history': { input: z.object({ id: JobId }).strict(), output: z.array(LossPoint) },
  'train.recipes': { input: NoInput, output: z.array(Recipe) },
  'train.start': { input: TrainOptions, output: Job },
  'capture.prompts': { input: z.object({ language: z.string().min(2).max(35) }).strict(), output: PromptScript },
  'capture.takes': { input: z.object({ kind: TakeKind.optional(), language: z.string().min(2).max(35).optional() }).strict(), output: z.array(Take) },
  'capture.delete': { input: z.object({ id: TakeId }).strict(), output: Take },
  'capture.record.start': {
    input: z
      .object({
        kind: TakeKind,
        language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP-47 language tag such as en or pt-BR'),
        promptId: z.string().max(40).nullable(),
        purpose: z.enum(['take', 'import']),
        fileName: z.string().min(1).max(255),
      })
      .strict(),
    output: z.object({ id: RecordingId }),
  },
  /** One MediaRecorder chunk (about a second) or one slice of a dropped file, base64-encoded. */
  'capture.record.chunk': {
    input: z.object({ id: RecordingId, seq: z.number().int().nonnegative(), data: z.string().max(700_000) }).strict(),
    output: z.object({ bytes: z.number().int().nonnegative() }),
  },
  'capture.record.finish': { input: z.object({ id: RecordingId }).strict(), output: z.object({ takes: z.array(Take), notes: z.array(z.string()) }) },
  /** Recordings cut off by a crash or a closed window: what was flushed, kept to recover or delete. */
  'capture.interrupted': { input: NoInput, output: z.array(InterruptedRecording) },
  'capture.recover': { input: z.object({ id: RecordingId }).strict(), output: z.object({ takes: z.array(Take), notes: z.array(z.string()) }) },
  /** One webcam frame (JPEG, base64) to the face tracker; the live preview draws what comes back. */
  'vision.track': {
    input: z.object({ image: z.string().min(1).max(400_000) }).strict(),
    output: z.object({ width: z.number().int().positive(), height: z.number().int().positive(), faces: z.array(TrackedFace) }),
  },
  /** Chooses a fresh random sentence for the creator to read on camera. */
  'consent.start': {
    input: z.object({ language: z.string().min(2).max(35) }).strict(),
    output: z.object({ id: ConsentId, sentence: z.string(), language: z.string() }),
  },
  /** The sentence issued last and still valid, so a reload or a second window keeps it; null when there is none. */
  'consent.current': {
    input: NoInput,
    output: z.object({ id: ConsentId, sentence: z.string(), language: z.string(), expiresAt: z.string() }).nullable(),
  },
  'consent.finish': { input: z.object({ id: ConsentId, recordingId: RecordingId }).strict(), output: ConsentRecord },
  'consent.list': { input: NoInput, output: z.array(ConsentRecord) },
  /** Starts training the voice model on the creator's transcribed voice takes (a `voice.train` job). */
  'voice.train': { input: VoiceTrainOptions, output: Job },
  'voice.models': { input: NoInput, output: z.array(VoiceModel) },
  /** Starts speaking text in the creator's voice (a `voice.say` job); its result names the audio and carries WebVTT timings. */
  'voice.say': { input: VoiceSayOptions, output: Job },
  /** A WAV of the studio (a spoken text, an A/B/C sample, a take), base64-encoded for the player. */
  'voice.audio': { input: z.object({ digest: BlobDigest }).strict(), output: z.object({ wav: z.string() }) },
  /** Starts training the face model on the creator's face takes (a `face.train` job). */
  'face.train': { input: FaceTrainOptions, output: Job },
  'face.models': { input: NoInput, output: z.array(FaceModel) },
  /** Starts rendering the talking head for a WAV of the studio (a `face.render` job); its result names the MP4. */
  'face.render': { input: FaceRenderOptions, output: Job },
  /** An MP4 of the studio (an idle loop, a side-by-side sample, a render), base64-encoded for the player. */
  'face.video': { input: z.object({ digest: BlobDigest }).strict(), output: z.object({ mp4: z.string() }) },
  'capture.record.discard': { input: z.object({ id: RecordingId }).strict(), output: z.object({}) },
  /** The creator's Ethereum identity. The private key never crosses the contract; the words do only where the creator asked for them. */
  'identity.status': { input: NoInput, output: IdentityStatus },
  /** A new identity; its recovery words come back this once, for the backup screen. */
  'identity.create': { input: z.object({ passphrase: Passphrase }).strict(), output: z.object({ address: EthAddress, words: RecoveryWords }) },
  'identity.importMnemonic': { input: z.object({ phrase: z.string().min(1).max(1000), passphrase: Passphrase, replace: z.boolean().optional() }).strict(), output: IdentityStatus },
  'identity.importKeystore': { input: z.object({ json: z.string().min(1).max(64 * 1024), passphrase: Passphrase, replace: z.boolean().optional() }).strict(), output: IdentityStatus },
  /** Keeps the key in the studio's memory until a fixed deadline (15 minutes unless told). */
  'identity.unlock': { input: z.object({ passphrase: Passphrase, minutes: z.number().int().min(1).max(480).optional() }).strict(), output: IdentityStatus },
  'identity.lock': { input: NoInput, output: IdentityStatus },
  /** The Web3 Secret Storage keystore as stored: encrypted with the creator's passphrase. */
  'identity.exportKeystore': { input: NoInput, output: z.object({ json: z.string() }) },
  'identity.revealWords': { input: z.object({ passphrase: Passphrase }).strict(), output: z.object({ words: RecoveryWords }) },
  /** Three word positions (1-based) for the creator to answer from what they wrote down. */
  'identity.backupChallenge': { input: NoInput, output: z.object({ positions: z.array(z.number().int().min(1).max(24)).length(3) }) },
  'identity.confirmBackup': {
    input: z.object({ answers: z.record(z.string().regex(/^\d{1,2}$/, 'a word position'), z.string().max(16)), passphrase: Passphrase }).strict(),
    output: IdentityStatus,
  },
  /** The twins of this studio, newest first, each as anyone can read it (no key needed). */
  'twin.list': { input: NoInput, output: z.array(TwinSummary) },
  'twin.inspect': { input: z.object({ id: TwinId }).strict(), output: TwinSummary },
  /** Seals model versions (at least one), the newest accepted consent take and the rules into a new twin, signed by the unlocked identity. */
  'twin.pack': {
    input: z
      .object({
        name: z.string().trim().min(1, 'name the twin').max(200),
        rules: TwinRulesDraft,
        voiceModel: VoiceModelId.optional(),
        faceModel: FaceModelId.optional(),
        /** Seal the newest accepted consent take and its record (default true). */
        consent: z.boolean().optional(),
      })
      .strict(),
    output: TwinSummary,
  },
  /** Every digest and signature; with decrypt, every layer decrypted and authenticated with the unlocked identity's key. */
  'twin.verify': { input: z.object({ id: TwinId, decrypt: z.boolean().optional() }).strict(), output: TwinVerification },
  /** Wraps the twin's content key for one more public key (a licensee's); the manifest and its signature stay. */
  'twin.grant': {
    input: z.object({ id: TwinId, publicKey: TwinPublicKey }).strict(),
    output: z.object({ recipient: EthAddress, manifestDigest: TwinDigest, added: z.boolean() }),
  },
  /** Publishes the rules as the twin's next owner-signed version. */
  'twin.rules': {
    input: z.object({ id: TwinId, rules: TwinRulesDraft }).strict(),
    /** `queuedOn`: chain ids where the twin is minted (or queued to be) and its new digest, validators and fee now wait for Publish. */
    output: z.object({ version: z.number().int().min(2), rulesDigest: TwinDigest, queuedOn: z.array(z.number().int().positive()) }),
  },
  /** Checks a rules draft and words it in plain language, changing nothing: the editor shows each error at its field and the summary beside it. */
  'twin.rulesPreview': {
    input: z.object({ rules: TwinRulesDraft }).strict(),
    output: z.object({ ok: z.boolean(), errors: z.array(TwinRuleError), summary: z.array(z.string()) }),
  },
  /** Re-encrypts under a new content key for the recipients that remain: the revocation a shared copy can enforce. */
  'twin.rotate': {
    input: z.object({ id: TwinId, revoke: z.array(EthAddress).max(256) }).strict(),
    output: z.object({ previousManifestDigest: TwinDigest, manifestDigest: TwinDigest, recipients: z.array(EthAddress), revoked: z.array(EthAddress) }),
  },
  /** Crypto-shredding: destroys this copy's key envelopes and opened plaintext, so nothing here can open it again. */
  'twin.erase': { input: z.object({ id: TwinId }).strict(), output: z.object({ envelopesRemoved: z.number().int().nonnegative() }) },
  /** Writes the twin as one file (a tar of its OCI layout) at a new path on the studio's computer. */
  'twin.export': { input: z.object({ id: TwinId, path: StudioFilePath }).strict(), output: z.object({ path: z.string(), bytes: z.number().int().nonnegative() }) },
  /** Takes a twin file; kept only if every check passes. */
  'twin.import': { input: z.object({ path: StudioFilePath }).strict(), output: TwinSummary },
  /** Pushes the twin with its signature, keys and rules to an OCI registry; the token is used for this call only. */
  'twin.push': {
    input: z.object({ id: TwinId, registry: RegistryUrl, repository: RegistryRepository, tag: RegistryTag.optional(), token: RegistryToken.optional() }).strict(),
    output: z.object({ manifestDigest: TwinDigest, reference: z.string() }),
  },
  /** Pulls a twin from an OCI registry; kept only if every check passes. */
  'twin.pull': {
    input: z.object({ registry: RegistryUrl, repository: RegistryRepository, reference: RegistryReference, token: RegistryToken.optional() }).strict(),
    output: TwinSummary,
  },
  /** Deletes the twin from this studio entirely (its layout and anything opened). */
  'twin.remove': { input: z.object({ id: TwinId }).strict(), output: z.object({ id: TwinId }) },
  /** The studio's private local chain (with whether it runs now) and the creator's own networks; reaches none of them. */
  'chain.networks': { input: NoInput, output: z.array(ChainNetwork) },
  /** Remembers a network, replacing one with the same id; each refused value is named at its field. */
  'chain.addNetwork': { input: ChainNetworkInput, output: ChainNetwork },
  'chain.removeNetwork': { input: z.object({ id: NetworkId }).strict(), output: z.object({ id: NetworkId }) },
  /** Reaches the network (starting the local chain for "local"): its block, whether the registry is there, what waits. */
  'chain.status': { input: z.object({ networkId: NetworkId }).strict(), output: ChainStatus },
  /** Signs a mint voucher for the twin and queues it; no chain needs to be reachable. */
  'chain.mint': { input: z.object({ twinId: TwinId, networkId: NetworkId }).strict(), output: ChainOutboxItem },
  /** The outbox, newest first: one twin's entries, or every entry. */
  'chain.outbox': { input: z.object({ twinId: TwinId.optional() }).strict(), output: z.array(ChainOutboxItem) },
  /** What publishing would send to the network, each with its gas and fee; nothing is sent. */
  'chain.plan': { input: z.object({ networkId: NetworkId }).strict(), output: ChainPlan },
  /**
   * Sends what chain.plan showed, once the creator confirmed it: refused, with nothing sent, unless the plan still
   * has the number of transactions they saw.
   */
  'chain.publish': {
    input: z
      .object({
        networkId: NetworkId,
        confirm: z.literal(true, { error: 'publishing needs confirm: true, sent once the creator has reviewed chain.plan' }),
        planned: z.number().int().min(1).max(10_000),
      })
      .strict(),
    output: ChainPublishResult,
  },
  /** The licence requests evaluated here, newest first: one twin's, or every twin's. */
  'ledger.licences': { input: z.object({ twinId: TwinId.optional() }).strict(), output: z.array(LicenceRecord) },
  /** Checks a licensee's request against the twin's current rules and keeps it as requested or refused. */
  'ledger.evaluate': { input: z.object({ twinId: TwinId, request: LedgerFileInput }).strict(), output: LicenceEvaluation },
  /** Signs the licence, wraps the twin's key for the licensee and queues the approval with the validators' files that count. */
  'ledger.grant': {
    input: z.object({ licenseHash: LedgerHash, networkId: NetworkId, approvals: z.array(LedgerFileInput).max(256).optional() }).strict(),
    output: LicenceGrantOutcome,
  },
  /** Marks the licence revoked and queues the revocation; the answer says what this cannot stop. */
  'ledger.revoke': { input: z.object({ licenseHash: LedgerHash, networkId: NetworkId }).strict(), output: LicenceRevocation },
  /** Usage receipts issued here, oldest first: one twin's, or every twin's. */
  'ledger.receipts': { input: z.object({ twinId: TwinId.optional() }).strict(), output: z.array(StoredReceipt) },
  /** Batches the twin's receipts not yet anchored under one Merkle root and queues it; publishing sends it. */
  'ledger.anchor': { input: z.object({ twinId: TwinId, networkId: NetworkId }).strict(), output: ReceiptAnchorResult },
  /** The proof file for one anchored receipt. */
  'ledger.prove': { input: z.object({ receiptId: LedgerHash, networkId: NetworkId.optional() }).strict(), output: ReceiptProof },
  /** Checks a proof file offline, and on-chain where its network can be reached. */
  'ledger.verifyProof': { input: z.object({ proof: LedgerFileInput, networkId: NetworkId.optional() }).strict(), output: ProofVerification },
  /**
   * Signs this studio's approval of a licensee's request as one of the twin's validators, for the validator epoch
   * read from the chain (refused when this identity is not a current validator) or given when the chain cannot be
   * reached. Without a token id, the twin the request names is approved; only the signed approval comes back.
   */
  'ledger.approve': {
    input: z
      .object({
        request: LedgerFileInput,
        networkId: NetworkId,
        twinTokenId: DecimalString.optional(),
        epoch: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
      })
      .strict(),
    output: LicenceApproval,
  },
  /** A licence request from this studio's identity, as the licensee sends it to the twin's owner; bound to the twin's token on the network when one is named. */
  'ledger.request': { input: LicenceRequestFields, output: LicenceRequest },
  /**
   * Queues paying a licence's fee into the registry's escrow, exactly what the registry asks: refused above maxFeeWei,
   * when the network cannot be read, the twin is not minted or the licence is approved or revoked. Nothing is queued,
   * with the reason in the message, when the licence is free or its fee already paid; publishing sends what is queued.
   */
  'ledger.pay': { input: z.object({ request: LedgerFileInput, networkId: NetworkId, maxFeeWei: DecimalString.optional() }).strict(), output: LicenceFeePayment },
  /** Keeps a licence this studio's identity was granted for an imported twin, so renders can be made under it. */
  'ledger.hold': { input: z.object({ licence: LedgerFileInput, twinId: TwinId }).strict(), output: LicenceRecord },
  /** Saved scripts, most recently changed first. */
  'compose.projects': { input: NoInput, output: z.array(ComposeProject) },
  'compose.create': { input: z.object({ script: ComposeScript }).strict(), output: ComposeProject },
  'compose.save': { input: z.object({ id: ComposeProjectId, script: ComposeScript }).strict(), output: ComposeProject },
  'compose.remove': { input: z.object({ id: ComposeProjectId }).strict(), output: z.object({ id: ComposeProjectId }) },
  /** Checks a render against the rules and licence without rendering: each refusal names the rule and the segment. */
  'compose.check': {
    input: ComposeRenderOptions,
    output: z.object({ allowed: z.boolean(), refusals: z.array(z.object({ path: z.string(), message: z.string() })), languages: z.array(z.string()), audioOnly: z.boolean() }),
  },
  /** Starts the render job; the output appears in compose.outputs when it finishes. */
  'compose.render': { input: ComposeRenderOptions, output: Job },
  'compose.outputs': { input: z.object({ project: ComposeProjectId.optional() }).strict(), output: z.array(ComposeOutput) },
  /** An output's file for the preview player, base64. */
  'compose.media': { input: z.object({ id: ComposeOutputId }).strict(), output: z.object({ mediaType: z.string(), data: z.string() }) },
  /** A file to verify, sent in slices (the drop zone): start, chunks in order, then finish gives the verdict. */
  'compose.verify.start': { input: z.object({ fileName: z.string().min(1).max(255), size: z.number().int().positive().max(4 * 1024 ** 3) }).strict(), output: z.object({ id: z.string() }) },
  'compose.verify.chunk': {
    input: z.object({ id: z.string().max(40), seq: z.number().int().nonnegative(), data: z.string().max(700_000) }).strict(),
    output: z.object({ bytes: z.number().int().nonnegative() }),
  },
  'compose.verify.finish': { input: z.object({ id: z.string().max(40), sidecar: z.string().max(1_000_000).optional() }).strict(), output: VerifyVerdict },
  /** Verifies a file on the studio computer (and its .c2pa sidecar beside it, if any). */
  'compose.verifyFile': { input: z.object({ path: StudioFilePath }).strict(), output: VerifyVerdict },
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>;

export type Calls = typeof calls;
export type CallName = keyof Calls;
/** What a caller passes (defaults may be omitted). */
export type CallInput<K extends CallName> = z.input<Calls[K]['input']>;
/** What a handler receives after parsing (defaults filled in). */
export type CallParsedInput<K extends CallName> = z.output<Calls[K]['input']>;
export type CallOutput<K extends CallName> = z.output<Calls[K]['output']>;

export function isCallName(name: string): name is CallName {
  return Object.hasOwn(calls, name);
}
