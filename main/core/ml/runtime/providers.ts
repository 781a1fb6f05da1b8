// Which ONNX Runtime execution providers this machine has, and which to use: the best available, or the one asked for with the reason it was not used; main process and workers.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageDir } from '../../platform/modules.js';

export const PROVIDERS = ['cuda', 'dml', 'coreml', 'webgpu', 'cpu'] as const;
export type Provider = (typeof PROVIDERS)[number];

export interface ProviderInfo {
  name: Provider;
  available: boolean;
  /** Why it cannot be used here, or how it is reached when it can. */
  note: string;
}

export interface Backend {
  name: string;
  bundled: boolean;
}

export interface Machine {
  platform: NodeJS.Platform;
  arch: string;
  /** File names in onnxruntime-node's binary folder for this platform (where the CUDA provider lands when installed). */
  runtimeFiles: string[];
  /** Whether a GPU device node exists (Linux render nodes or an NVIDIA device); WebGPU needs one. */
  gpu: boolean;
}

const HOW_TO: Record<Provider, string> = {
  cuda: 'NVIDIA GPUs on Linux x64 and Windows: reinstall with the CUDA provider (`npm rebuild onnxruntime-node` with its install script allowed and ONNXRUNTIME_NODE_INSTALL_CUDA=v12 on Linux) and an NVIDIA driver with CUDA 12.',
  dml: 'DirectX 12 GPUs (NVIDIA, AMD, Intel) on Windows; ships with onnxruntime-node there.',
  coreml: 'Apple Silicon and Intel Macs; ships with onnxruntime-node there.',
  webgpu: 'Experimental: Dawn over Vulkan (Linux), D3D12 (Windows) or Metal (macOS); needs a GPU driver with Vulkan on Linux (software Vulkan is refused).',
  cpu: 'Always available.',
};

/** Pure: from what onnxruntime reports and the files present, what each provider's status is. */
export function describeProviders(backends: readonly Backend[], machine: Machine): ProviderInfo[] {
  const bundled = new Set(backends.filter((b) => b.bundled).map((b) => b.name));
  const known = new Set(backends.map((b) => b.name));
  return PROVIDERS.map((name) => {
    if (name === 'cpu') return { name, available: true, note: HOW_TO.cpu };
    if (name === 'cuda') {
      const installed = machine.runtimeFiles.some((f) => f.startsWith('libonnxruntime_providers_cuda'));
      return installed
        ? { name, available: true, note: 'CUDA provider library installed; needs an NVIDIA driver at run time.' }
        : { name, available: false, note: `not installed. ${HOW_TO.cuda}` };
    }
    if (name === 'webgpu' && bundled.has(name) && machine.platform === 'linux' && !machine.gpu) {
      return { name, available: false, note: 'no GPU device (/dev/dri render node or NVIDIA) found for Vulkan.' };
    }
    if (bundled.has(name)) return { name, available: true, note: HOW_TO[name] };
    return { name, available: false, note: known.has(name) ? `not installed. ${HOW_TO[name]}` : `not built for ${machine.platform}. ${HOW_TO[name]}` };
  });
}

export interface ProviderChoice {
  /** Providers to try in order; the last is always cpu. */
  order: Provider[];
  /** Why providers better than the first in `order` (or the one asked for) are not used. */
  reasons: string[];
}

/** Pure: the order to try providers in, best first, honouring a request and explaining each skip. */
export function chooseProviders(infos: readonly ProviderInfo[], requested?: Provider): ProviderChoice {
  const reasons: string[] = [];
  const usable = infos.filter((p) => p.available).map((p) => p.name);
  if (requested) {
    if (usable.includes(requested)) return { order: requested === 'cpu' ? ['cpu'] : [requested, 'cpu'], reasons };
    const info = infos.find((p) => p.name === requested);
    reasons.push(`${requested} was asked for but is ${info?.note ?? 'unknown'}`);
    return { order: ['cpu'], reasons };
  }
  for (const p of infos) if (!p.available && p.name !== 'cpu') reasons.push(`${p.name}: ${p.note}`);
  return { order: [...usable.filter((p) => p !== 'cpu'), 'cpu'], reasons };
}

export function localMachine(): Machine {
  const dir = packageDir('onnxruntime-node');
  const candidates = dir ? readdirSafe(join(dir, 'bin')).map((napi) => join(dir, 'bin', napi, process.platform, process.arch)) : [];
  const runtimeFiles = candidates.filter((c) => existsSync(c)).flatMap((c) => readdirSafe(c));
  const gpu = readdirSafe('/dev/dri').some((n) => n.startsWith('renderD')) || existsSync('/dev/nvidia0');
  return { platform: process.platform, arch: process.arch, runtimeFiles, gpu: process.platform !== 'linux' || gpu };
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
