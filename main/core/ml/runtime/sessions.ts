// Opens onnxruntime sessions on the best execution provider, falling back with the reason, and caches them by model and provider; main process and workers.
import { cpus } from 'node:os';
import type { InferenceSession } from 'onnxruntime-node';
import { loadModule } from '../../platform/modules.js';
import { type Provider, type ProviderChoice, chooseProviders, describeProviders, localMachine } from './providers.js';

type Ort = typeof import('onnxruntime-node');

export function ort(): Ort {
  return loadModule<Ort>('onnxruntime-node');
}

export interface SessionRequest {
  /** Identifies the model, e.g. its architecture hash plus graph kind. */
  key: string;
  bytes: Uint8Array;
  provider?: Provider;
  /** Intra-op threads on the CPU; default: measured, see chooseThreads. */
  threads?: number;
}

export interface OpenedSession {
  session: InferenceSession;
  provider: Provider;
  threads: number;
  /** Why better providers (or the one asked for) were not used; empty when the first choice worked. */
  reasons: string[];
}

export function providerChoice(requested?: Provider): ProviderChoice {
  return chooseProviders(describeProviders(ort().listSupportedBackends(), localMachine()), requested);
}

export function sessionOptions(provider: Provider, threads: number): InferenceSession.SessionOptions {
  return {
    // A GPU provider hands the operators it lacks to the CPU.
    executionProviders: provider === 'cpu' ? ['cpu'] : [provider, 'cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    enableCpuMemArena: true,
    enableMemPattern: true,
    logSeverityLevel: 3,
  };
}

/** Tries providers best first; each failure is kept as a reason the creator can read. */
export async function openSession(bytes: Uint8Array, choice: ProviderChoice, threads: number): Promise<OpenedSession> {
  const reasons = [...choice.reasons];
  for (const provider of choice.order) {
    try {
      const session = await ort().InferenceSession.create(bytes, sessionOptions(provider, threads));
      return { session, provider, threads, reasons };
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      if (provider === 'cpu') throw new Error(`ONNX Runtime could not load the model on the CPU: ${message}`, { cause: error });
      reasons.push(`${provider} failed to start: ${message}`);
    }
  }
  throw new Error('no execution provider to try');
}

export function defaultThreadCandidates(cores = cpus().length): number[] {
  const list = new Set([1, Math.max(1, Math.floor(cores / 2)), cores]);
  return [...list].sort((a, b) => a - b);
}

/**
 * Picks the intra-op thread count by timing the real work: on small machines one thread sometimes
 * beats two (probes on a 2-core machine disagreed), so the answer is measured, not assumed.
 */
export async function chooseThreads(timeSteps: (threads: number) => Promise<number>, candidates = defaultThreadCandidates()): Promise<{ threads: number; secondsPerStep: Record<number, number> }> {
  const secondsPerStep: Record<number, number> = {};
  let best = candidates[0] ?? 1;
  for (const threads of candidates) {
    secondsPerStep[threads] = await timeSteps(threads);
    if (secondsPerStep[threads]! < secondsPerStep[best]!) best = threads;
  }
  return { threads: best, secondsPerStep };
}

/** One session per (model, provider, threads); released together when training or rendering ends. */
export class SessionCache {
  private readonly sessions = new Map<string, Promise<OpenedSession>>();

  get(request: SessionRequest & { threads: number }): Promise<OpenedSession> {
    const cacheKey = `${request.key}|${request.provider ?? 'best'}|${request.threads}`;
    let pending = this.sessions.get(cacheKey);
    if (!pending) {
      pending = openSession(request.bytes, providerChoice(request.provider), request.threads);
      pending.catch(() => this.sessions.delete(cacheKey));
      this.sessions.set(cacheKey, pending);
    }
    return pending;
  }

  async clear(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    for (const pending of all) {
      try {
        await (await pending).session.release();
      } catch {
        // A session that failed to open has nothing to release.
      }
    }
  }
}
