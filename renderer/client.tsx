// React access to the studio: the typed client in context, a call hook with loading/error state, and an event hook; renderer.
import { type ReactNode, createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import type { CallInput, CallName, CallOutput, EventName, EventPayload, LikenessClient } from '../main/contract/index.js';

const ClientContext = createContext<LikenessClient | null>(null);

export function ClientProvider({ client, children }: { client: LikenessClient; children: ReactNode }) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

export function useClient(): LikenessClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside ClientProvider');
  return client;
}

export interface CallState<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload(): void;
}

/** Runs a call when the component mounts (and on reload), keeping the last good answer while reloading. */
export function useCall<K extends CallName>(name: K, input: CallInput<K>): CallState<CallOutput<K>> {
  const client = useClient();
  const [state, setState] = useState<{ data?: CallOutput<K>; error?: Error; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);
  const inputKey = JSON.stringify(input);
  const inputRef = useRef(input);
  inputRef.current = input;
  useEffect(() => {
    let live = true;
    client.call(name, inputRef.current).then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState((s) => ({ data: s.data, error: error instanceof Error ? error : new Error(String(error)), loading: false })),
    );
    return () => {
      live = false;
    };
  }, [client, name, inputKey, generation]);
  const reload = useCallback(() => {
    setState((s) => ({ ...s, loading: true }));
    setGeneration((g) => g + 1);
  }, []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function useEvent<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): void {
  const client = useClient();
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => client.on(name, (payload) => ref.current(payload)), [client, name]);
}
