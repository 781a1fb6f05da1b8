// Browser shim: gives the renderer the same window.likeness over the loopback HTTP + WebSocket transport; renderer (browser).
import type { LikenessBridge } from '../main/contract/bridge.js';
import type { Envelope } from '../main/contract/errors.js';

const TOKEN_KEY = 'likeness.token';

/** Takes the token from the URL fragment once, keeps it for reloads, and removes it from the address bar. */
export function takeToken(location: Location, storage: Storage, history: History): string | null {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (match) {
    storage.setItem(TOKEN_KEY, match[1]!);
    history.replaceState(null, '', `${location.pathname}${location.search}#/capture`);
  }
  return storage.getItem(TOKEN_KEY);
}

export function createLoopbackBridge(origin: string, token: string | null): LikenessBridge {
  const listeners = new Set<(name: string, payload: unknown) => void>();
  let socket: WebSocket | null = null;
  let retry = 0;

  function connect(): void {
    if (token === null || listeners.size === 0 || socket) return;
    const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/api/events?token=${encodeURIComponent(token)}`);
    socket = ws;
    ws.onopen = () => {
      retry = 0;
    };
    ws.onmessage = (message) => {
      try {
        const { event, payload } = JSON.parse(String(message.data)) as { event: string; payload: unknown };
        for (const listener of [...listeners]) listener(event, payload);
      } catch {
        // A frame we cannot read is dropped; the next update carries the full state again.
      }
    };
    ws.onclose = () => {
      socket = null;
      if (listeners.size === 0) return;
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, 250 * 2 ** retry);
    };
  }

  return {
    transport: 'loopback',
    async invoke(name, input) {
      if (token === null) {
        return { ok: false, error: { code: 'unauthorized', message: 'Open the studio with the URL that `likeness serve` printed (it carries the token).' } };
      }
      try {
        const response = await fetch(`${origin}/api/call/${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify(input ?? {}),
        });
        return (await response.json()) as Envelope<unknown>;
      } catch {
        return { ok: false, error: { code: 'unavailable', message: 'The studio is not reachable. Is `likeness serve` still running?' } };
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) socket?.close();
      };
    },
  };
}
