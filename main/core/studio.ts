// Opens a data home and wires the store, jobs and events into one studio object; main process.
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { StoreStats } from '../contract/models.js';
import { Recordings } from './capture/recordings.js';
import { TakesRepository } from './capture/takes-repository.js';
import { EspeakRunner } from './speech/espeak.js';
import { FaceModelsRepository } from './face/models-repository.js';
import { faceRenderJob } from './face/render-job.js';
import { faceTrainingJob } from './face/train-job.js';
import { VoiceModelsRepository } from './voice/models-repository.js';
import { voiceSayJob } from './voice/say-job.js';
import { voiceTrainingJob } from './voice/train-job.js';
import { FaceTracker } from './vision/tracker.js';
import { IdentityService } from './twin/identity/service.js';
import { TwinLibrary } from './twin/library.js';
import { ChainService } from './chain/service.js';
import { LedgerService } from './ledger/service.js';
import { ComposeProjects } from './compose/projects.js';
import { type ComposeJobDeps, composeRenderJob } from './compose/render-job.js';
import { StudioEvents } from './events.js';
import { JobManager } from './jobs/manager.js';
import { trainingJob } from './ml/train/job.js';
import { registerRecipes } from './recipes.js';
import { BlobStore } from './store/blobs.js';
import { type Db, openDatabase, schemaVersion } from './store/database.js';
import { type HomeLock, lockHome, prepareHome } from './store/home.js';
import { collectGarbageJob, verifyLibraryJob } from './store/maintenance.js';
import { migrations } from './store/migrations.js';
import { JobsRepository } from './store/repositories/jobs.js';
import { SettingsRepository } from './store/repositories/settings.js';

export interface Studio {
  readonly home: string;
  /** Scratch space inside the home (same disk as the blobs, so finished files can be renamed in). */
  readonly tmpDir: string;
  readonly takes: TakesRepository;
  readonly recordings: Recordings;
  readonly voiceModels: VoiceModelsRepository;
  readonly faceModels: FaceModelsRepository;
  /** The creator's Ethereum identity: keystore in the home, the unlocked key in memory only. */
  readonly identity: IdentityService;
  /** Sealed twins, as OCI layouts under <home>/twins. */
  readonly twins: TwinLibrary;
  /** Networks, the private local chain (started on first use), the mint and transaction outbox. */
  readonly chain: ChainService;
  /** Licence requests, grants and revocations, and usage receipts batched under anchored roots. */
  readonly ledger: LedgerService;
  /** Saved scripts and the videos rendered from them. */
  readonly projects: ComposeProjects;
  /** What a render needs (checking one before it starts included). */
  readonly composition: ComposeJobDeps;
  /** The face tracker, opened on first use (detector at 224 for live frames, one thread). */
  tracker(): Promise<FaceTracker>;
  /** The eSpeak NG runner (its own child process), started on first use. */
  espeak(): Promise<EspeakRunner>;
  readonly db: Db;
  readonly blobs: BlobStore;
  readonly settings: SettingsRepository;
  readonly jobs: JobManager;
  readonly events: StudioEvents;
  storeStats(): StoreStats;
  close(): Promise<void>;
}

/** The training worker's entry: the bundled file in a packaged app, the TypeScript source (through tsx) in development. */
function trainWorkerUrl(): URL {
  return new URL(import.meta.url.endsWith('.cjs') ? './train-worker.cjs' : './train-worker.dev.mjs', import.meta.url);
}

export interface StudioOptions {
  log?: (message: string) => void;
}

export function openStudio(home: string, options: StudioOptions = {}): Studio {
  registerRecipes();
  prepareHome(home);
  const lock: HomeLock = lockHome(home);
  let db: Db | undefined;
  try {
    db = openDatabase(join(home, 'studio.db'), migrations);
    const opened = db;
    const blobs = new BlobStore(join(home, 'blobs'), opened);
    const tmpDir = join(home, 'tmp');
    mkdirSync(tmpDir, { recursive: true });
    const recordings = new Recordings(join(home, 'recordings'));
    const events = new StudioEvents();
    const jobsRepo = new JobsRepository(opened);
    jobsRepo.markInterrupted();
    const takes = new TakesRepository(opened, blobs);
    const voiceModels = new VoiceModelsRepository(opened, blobs);
    const faceModels = new FaceModelsRepository(opened, blobs);
    let espeak: Promise<EspeakRunner> | undefined;
    const startEspeak = (): Promise<EspeakRunner> => {
      espeak ??= EspeakRunner.start();
      espeak.catch(() => (espeak = undefined));
      return espeak;
    };
    const identity = new IdentityService(home);
    const twins = new TwinLibrary({ home, db: opened, blobs, takes, voiceModels, faceModels, signer: () => identity.signer() });
    const chain = new ChainService({ home, db: opened, twins, signer: () => identity.signer() });
    const ledger = new LedgerService({ db: opened, twins, chain, signer: () => identity.signer() });
    const projects = new ComposeProjects(opened);
    const composition: ComposeJobDeps = { home, blobs, workerUrl: trainWorkerUrl(), log: options.log, tmpDir, projects, twins, ledger, signer: () => identity.signer(), espeak: startEspeak };
    const jobs = new JobManager(jobsRepo, events, {
      'store.verify': verifyLibraryJob(blobs),
      'store.gc': collectGarbageJob(blobs),
      train: trainingJob({ home, blobs, workerUrl: trainWorkerUrl(), log: options.log }),
      'face.train': faceTrainingJob({ home, blobs, workerUrl: trainWorkerUrl(), log: options.log, takes, models: faceModels }),
      'face.render': faceRenderJob({ home, blobs, workerUrl: trainWorkerUrl(), log: options.log, models: faceModels, tmpDir }),
      'voice.say': voiceSayJob({ home, blobs, workerUrl: trainWorkerUrl(), log: options.log, models: voiceModels, tmpDir }),
      'compose.render': composeRenderJob(composition),
      'voice.train': voiceTrainingJob({ home, blobs, workerUrl: trainWorkerUrl(), log: options.log, takes, models: voiceModels, espeak: startEspeak }),
    });
    let closed = false;
    let tracker: Promise<FaceTracker> | undefined;
    return {
      espeak: startEspeak,
      tracker() {
        tracker ??= FaceTracker.open({ threads: 1, detectorSize: 224 });
        tracker.catch(() => (tracker = undefined));
        return tracker;
      },
      home,
      tmpDir,
      takes,
      recordings,
      voiceModels,
      faceModels,
      identity,
      twins,
      chain,
      ledger,
      projects,
      composition,
      db: opened,
      blobs,
      settings: new SettingsRepository(opened),
      jobs,
      events,
      storeStats() {
        const file = (name: string) => {
          try {
            return statSync(join(home, name)).size;
          } catch {
            return 0;
          }
        };
        return { ...blobs.stats(), databaseBytes: file('studio.db') + file('studio.db-wal'), schemaVersion: schemaVersion(opened) };
      },
      async close() {
        if (closed) return;
        closed = true;
        identity.lock();
        await chain.close();
        await jobs.close();
        recordings.closeAll();
        await tracker?.then((t) => t.close()).catch(() => undefined);
        await espeak?.then((e) => e.close()).catch(() => undefined);
        opened.close();
        lock.release();
      },
    };
  } catch (error) {
    db?.close();
    lock.release();
    throw error;
  }
}
