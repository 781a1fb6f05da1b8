// Twin benchmark: sealing, verifying and opening a 1 GiB twin (TWIN_BENCH_MB to change it) against a plain streamed
// copy with fsync of the same data, peak memory, key grants, and tamper detection on a small twin (both kinds).
import { execFile } from 'node:child_process';
import { randomBytes, randomFillSync } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Wallet } from 'ethers';
import type { PartName } from '../main/core/twin/format.js';
import { grantKey } from '../main/core/twin/keys.js';
import { openTwin } from '../main/core/twin/open.js';
import { publishRules } from '../main/core/twin/rule-versions.js';
import { defaultRules } from '../main/core/twin/rules/schema.js';
import { sealTwin } from '../main/core/twin/seal.js';
import type { PartSource } from '../main/core/twin/seal.js';
import { verifyTwin } from '../main/core/twin/verify.js';
import { Tamperer, detectionRate, seededRng } from '../test/support/twin-tamper.js';
import { type Benchmark, median, round } from './harness.js';

const MIB = 1024 * 1024;
const BLOCK = 4 * MIB;
const GRANTS = 20;

function envCount(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number, not ${process.env[name]}`);
  return value;
}

/** Random bytes written once, in blocks, so the data never sits in memory whole. */
async function writeRandomFile(path: string, size: number): Promise<void> {
  const handle = await open(path, 'w');
  try {
    const block = Buffer.alloc(BLOCK);
    for (let done = 0; done < size; done += BLOCK) {
      const n = Math.min(BLOCK, size - done);
      randomFillSync(block, 0, n);
      await handle.write(block, 0, n);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The most resident memory seen while `work` runs, sampled every 10 ms (the process's own baseline included). */
async function peakRss<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number; peak: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  const started = performance.now();
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, seconds: (performance.now() - started) / 1000, peak };
  } finally {
    clearInterval(timer);
  }
}

/** The big parts are byte ranges of one random file (shares like a real twin's), the reports small random pieces. */
function benchParts(input: string, size: number): { parts: PartSource[]; bytes: number } {
  const shares: [PartName, number][] = [
    ['voice-model', 0.3],
    ['face-model', 0.3],
    ['face-idle', 0.3],
    ['consent-take', 0.1],
  ];
  const parts: PartSource[] = [];
  let start = 0;
  for (const [index, [name, share]] of shares.entries()) {
    const end = index === shares.length - 1 ? size : start + Math.floor(size * share);
    const from = start;
    parts.push({ name, open: () => createReadStream(input, { start: from, end: end - 1, highWaterMark: MIB }) });
    start = end;
  }
  let bytes = size;
  for (const name of ['voice-report', 'face-report', 'consent-record'] as const) {
    const piece = randomBytes(4096);
    bytes += piece.length;
    parts.push({ name, open: () => Readable.from([piece]) });
  }
  return { parts, bytes };
}

interface PhaseConfig {
  home: string;
  input: string;
  size: number;
  ownerKey: string;
}

interface PhaseResult {
  bytes: number;
  diskSeconds: number;
  packSeconds: number;
  verifySeconds: number;
  openSeconds: number;
  /** Resident memory once the code is loaded, before the first phase. */
  baselineRss: number;
  packPeakRss: number;
  verifyPeakRss: number;
  openPeakRss: number;
}

const PHASES_ENV = 'LIKENESS_TWIN_BENCH_PHASES';

/**
 * The measured phases: the disk baseline, then seal, verify (with the owner's key) and open. They run in a child
 * process bundled by esbuild, as the app's own code runs, so resident memory is the container's and not that of
 * tsx's loader (which alone holds ~120 MB in this process).
 */
export async function runPhases(config: PhaseConfig): Promise<PhaseResult> {
  const baselineRss = process.memoryUsage.rss();
  // The baseline: the same bytes streamed into a new file and flushed to disk.
  const copy = join(config.home, 'copy.bin');
  const diskStarted = performance.now();
  await pipeline(createReadStream(config.input, { highWaterMark: MIB }), createWriteStream(copy, { highWaterMark: MIB }));
  const copied = await open(copy, 'r+');
  await copied.sync();
  await copied.close();
  const diskSeconds = (performance.now() - diskStarted) / 1000;
  rmSync(copy);

  const owner = new Wallet(config.ownerKey);
  const { parts, bytes } = benchParts(config.input, config.size);
  const dir = join(config.home, 'twin');
  const pack = await peakRss(() => sealTwin(dir, { name: 'Bench twin', rules: defaultRules(), consent: null, models: [], parts, owner }));
  const verify = await peakRss(() => verifyTwin(dir, owner));
  if (!verify.value.ok || !verify.value.decrypted) throw new Error(`the bench twin did not verify: ${verify.value.problems.map((p) => `${p.part}: ${p.message}`).join('; ')}`);
  const opened = await peakRss(() => openTwin(dir, owner, join(config.home, 'opened')));
  if (opened.value.parts.reduce((sum, p) => sum + p.size, 0) !== bytes) throw new Error('the opened twin is not the size that was sealed');
  rmSync(join(config.home, 'opened'), { recursive: true, force: true });
  return {
    bytes,
    diskSeconds,
    packSeconds: pack.seconds,
    verifySeconds: verify.seconds,
    openSeconds: opened.seconds,
    baselineRss,
    packPeakRss: pack.peak,
    verifyPeakRss: verify.peak,
    openPeakRss: opened.peak,
  };
}

async function phasesInChild(config: PhaseConfig): Promise<PhaseResult> {
  // Beside the studio's node_modules, so the packages left external below (native ones) resolve from it.
  const benchDir = dirname(fileURLToPath(import.meta.url));
  const cache = join(benchDir, '..', 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const bundleDir = mkdtempSync(join(cache, 'likeness-bench-twin-'));
  const bundle = join(bundleDir, 'phases.mjs');
  // Imported here, and left external, so the bundle (which holds this file too) never loads esbuild itself.
  const { build } = await import('esbuild');
  await build({
    stdin: {
      contents: `import { runPhases } from './twin.bench.ts';\nprocess.stdout.write(JSON.stringify(await runPhases(JSON.parse(process.env.${PHASES_ENV}))));\n`,
      resolveDir: benchDir,
      sourcefile: 'twin-phases.ts',
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    outfile: bundle,
    logLevel: 'warning',
    external: ['esbuild', 'secp256k1', 'secp256k1/*'],
    // esbuild's own ESM output needs require() for Node built-ins that bundled CommonJS asks for.
    banner: { js: "import { createRequire as createBannerRequire } from 'node:module'; const require = createBannerRequire(import.meta.url);" },
  });
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [bundle], { env: { ...process.env, [PHASES_ENV]: JSON.stringify(config) }, maxBuffer: 1 << 20 });
    return JSON.parse(stdout) as PhaseResult;
  } finally {
    rmSync(bundleDir, { recursive: true, force: true });
  }
}

export const twinBenchmark: Benchmark = {
  name: 'twin',
  description: `twin container on ${process.env.TWIN_BENCH_MB ?? 1024} MiB of random parts (TWIN_BENCH_MB): seal, verify with a key, open, vs a streamed copy with fsync; grants; tamper detection on a small twin`,
  units: {
    sizeMB: 'MB of plaintext',
    diskBaselineMBps: 'MB/s (streamed copy + fsync, same data, same run)',
    packMBps: 'MB/s (sealTwin)',
    verifyMBps: 'MB/s (verifyTwin with a key: hash + decrypt every layer)',
    openMBps: 'MB/s (openTwin)',
    packVsDisk: '(goal ≥ 0.7)',
    baselineRssMB: 'MB, the bundled phase process with its code loaded',
    peakRssMB: 'MB, that process in total during seal/verify/open (goal ≤ 150, whatever the size)',
    packPeakRssMB: 'MB, during seal',
    verifyPeakRssMB: 'MB, during verify',
    openPeakRssMB: 'MB, during open',
    grantKeyMs: `ms, median of ${GRANTS} grants to fresh wallets (goal ≤ 10)`,
    tamperNaiveFlips: 'single-bit flips in place',
    tamperAdversarialFlips: 'flips re-hashed and re-linked',
    tamperDetectedRateNaive: '(must be 1.0)',
    tamperDetectedRateAdversarial: '(must be 1.0)',
    tamperDetectedRate: 'lower of the two (must be 1.0)',
  },
  async run() {
    const sizeMiB = envCount('TWIN_BENCH_MB', 1024);
    const naiveCount = envCount('TWIN_BENCH_NAIVE', 10_000);
    const adversarialCount = envCount('TWIN_BENCH_ADVERSARIAL', 1_000);
    const size = sizeMiB * MIB;
    const home = mkdtempSync(join(tmpdir(), 'likeness-bench-twin-'));
    try {
      const input = join(home, 'input.bin');
      await writeRandomFile(input, size);
      const owner = Wallet.createRandom();
      const phases = await phasesInChild({ home, input, size, ownerKey: owner.privateKey });
      rmSync(input);

      const dir = join(home, 'twin');
      // The phases leave gigabytes of written pages for the kernel to flush; a grant's fsyncs would queue behind them
      // and time the writeback, not the grant.
      await promisify(execFile)('sync');
      const grantTimes: number[] = [];
      for (let i = 0; i < GRANTS; i++) {
        const recipient = Wallet.createRandom().signingKey.compressedPublicKey;
        const started = performance.now();
        await grantKey(dir, owner, recipient);
        grantTimes.push(performance.now() - started);
      }
      rmSync(dir, { recursive: true, force: true });

      // Tamper detection on a small twin holding every kind of blob: owner signature, two key grants, a rule version.
      const small = join(home, 'small');
      const smallParts: PartSource[] = (['voice-model', 'face-model', 'consent-record'] as const).map((name, i) => {
        const piece = randomBytes([24_000, 9_000, 700][i]!);
        return { name, open: () => Readable.from([piece]) };
      });
      await sealTwin(small, { name: 'Tamper twin', rules: defaultRules(), consent: null, models: [], parts: smallParts, owner, chunkSize: 4096 });
      await grantKey(small, owner, Wallet.createRandom().signingKey.compressedPublicKey);
      await publishRules(small, owner, { ...defaultRules(), purposes: ['personal'] });
      const tamperer = await Tamperer.open(small, { holder: owner });
      let naiveRate: number;
      let adversarialRate: number;
      try {
        naiveRate = detectionRate(await tamperer.naive(naiveCount, seededRng(1)));
        adversarialRate = detectionRate(await tamperer.adversarial(adversarialCount, seededRng(2)));
      } finally {
        tamperer.close();
      }

      const mb = phases.bytes / 1e6;
      const diskBaselineMBps = size / 1e6 / phases.diskSeconds;
      const packMBps = mb / phases.packSeconds;
      return {
        sizeMB: round(mb, 1),
        diskBaselineMBps: round(diskBaselineMBps, 1),
        packMBps: round(packMBps, 1),
        verifyMBps: round(mb / phases.verifySeconds, 1),
        openMBps: round(mb / phases.openSeconds, 1),
        packVsDisk: round(packMBps / diskBaselineMBps, 3),
        baselineRssMB: round(phases.baselineRss / 1e6, 1),
        peakRssMB: round(Math.max(phases.packPeakRss, phases.verifyPeakRss, phases.openPeakRss) / 1e6, 1),
        packPeakRssMB: round(phases.packPeakRss / 1e6, 1),
        verifyPeakRssMB: round(phases.verifyPeakRss / 1e6, 1),
        openPeakRssMB: round(phases.openPeakRss / 1e6, 1),
        grantKeyMs: round(median(grantTimes), 2),
        tamperNaiveFlips: naiveCount,
        tamperAdversarialFlips: adversarialCount,
        tamperDetectedRateNaive: round(naiveRate, 4),
        tamperDetectedRateAdversarial: round(adversarialRate, 4),
        tamperDetectedRate: round(Math.min(naiveRate, adversarialRate), 4),
      };
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  },
};
