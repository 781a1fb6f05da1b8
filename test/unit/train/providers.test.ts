// Execution providers: what is available where, the order they are tried in, why one is skipped, and measured thread counts.
import { describe, expect, it } from 'vitest';
import { chooseProviders, describeProviders } from '../../../main/core/ml/runtime/providers.js';
import { chooseThreads, defaultThreadCandidates } from '../../../main/core/ml/runtime/sessions.js';

const linuxBackends = [
  { name: 'cpu', bundled: true },
  { name: 'webgpu', bundled: true },
  { name: 'cuda', bundled: false },
  { name: 'tensorrt', bundled: false },
];

describe('execution providers', () => {
  it('on a Linux machine without a GPU only the CPU is available, and each other provider says why', () => {
    const infos = describeProviders(linuxBackends, { platform: 'linux', arch: 'x64', runtimeFiles: ['libonnxruntime.so.1'], gpu: false });
    expect(infos.filter((p) => p.available).map((p) => p.name)).toEqual(['cpu']);
    expect(infos.find((p) => p.name === 'cuda')?.note).toMatch(/not installed/);
    expect(infos.find((p) => p.name === 'webgpu')?.note).toMatch(/no GPU device/);
    expect(infos.find((p) => p.name === 'dml')?.note).toMatch(/not built for linux/);
  });

  it('with the CUDA provider installed and a GPU, tries CUDA, then WebGPU, then the CPU', () => {
    const infos = describeProviders(linuxBackends, { platform: 'linux', arch: 'x64', runtimeFiles: ['libonnxruntime_providers_cuda.so'], gpu: true });
    expect(chooseProviders(infos).order).toEqual(['cuda', 'webgpu', 'cpu']);
  });

  it('asking for a provider that is absent falls back to the CPU with the reason', () => {
    const infos = describeProviders(linuxBackends, { platform: 'linux', arch: 'x64', runtimeFiles: [], gpu: false });
    const choice = chooseProviders(infos, 'cuda');
    expect(choice.order).toEqual(['cpu']);
    expect(choice.reasons[0]).toMatch(/^cuda was asked for but is not installed/);
  });

  it('Windows has DirectML and macOS CoreML', () => {
    const win = describeProviders([{ name: 'cpu', bundled: true }, { name: 'dml', bundled: true }, { name: 'webgpu', bundled: true }], { platform: 'win32', arch: 'x64', runtimeFiles: [], gpu: true });
    expect(chooseProviders(win).order).toEqual(['dml', 'webgpu', 'cpu']);
    const mac = describeProviders([{ name: 'cpu', bundled: true }, { name: 'coreml', bundled: true }], { platform: 'darwin', arch: 'arm64', runtimeFiles: [], gpu: true });
    expect(chooseProviders(mac).order).toEqual(['coreml', 'cpu']);
  });

  it('chooses the thread count that measured fastest', async () => {
    const timings: Record<number, number> = { 1: 0.02, 2: 0.012 };
    expect((await chooseThreads(async (t) => timings[t]!, [1, 2])).threads).toBe(2);
    expect((await chooseThreads(async (t) => ({ 1: 0.01, 2: 0.015 })[t]!, [1, 2])).threads).toBe(1);
    expect(defaultThreadCandidates(2)).toEqual([1, 2]);
    expect(defaultThreadCandidates(8)).toEqual([1, 4, 8]);
  });
});
