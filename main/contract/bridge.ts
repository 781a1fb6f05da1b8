// The raw bridge each transport provides as window.likeness, and the typed client the renderer builds on it.
import { type CallInput, type CallName, type CallOutput, calls } from './calls.js';
import { type Envelope, LikenessError, describeIssues } from './errors.js';
import { type EventName, type EventPayload, events, isEventName } from './events.js';

export type Transport = 'electron' | 'loopback';

/** What preload (Electron) or the loopback shim (browser) installs as `window.likeness`. */
export interface LikenessBridge {
  readonly transport: Transport;
  invoke(name: string, input: unknown): Promise<Envelope<unknown>>;
  /** Receives every event; returns an unsubscribe function. */
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
}

export interface LikenessClient {
  readonly transport: Transport;
  call<K extends CallName>(name: K, input: CallInput<K>): Promise<CallOutput<K>>;
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** Wraps a bridge in typed calls whose answers are validated, so a bad reply fails loudly instead of rendering garbage. */
export function createClient(bridge: LikenessBridge): LikenessClient {
  return {
    transport: bridge.transport,
    async call(name, input) {
      const envelope = await bridge.invoke(name, input);
      if (!envelope.ok) throw new LikenessError(envelope.error.code, envelope.error.message, envelope.error.issues);
      const parsed = calls[name].output.safeParse(envelope.value);
      if (!parsed.success) {
        throw new LikenessError('internal', `The studio answered ${name} with data the UI does not understand.`, describeIssues(parsed.error));
      }
      return parsed.data as CallOutput<typeof name>;
    },
    on(name, listener) {
      return bridge.subscribe((eventName, payload) => {
        if (eventName !== name || !isEventName(eventName)) return;
        const parsed = events[name].safeParse(payload);
        if (parsed.success) listener(parsed.data as EventPayload<typeof name>);
      });
    },
  };
}
