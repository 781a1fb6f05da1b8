// Typed in-process event hub the studio publishes on and transports subscribe to; main process.
import type { EventName, EventPayload } from '../contract/events.js';

type AnyListener = (name: EventName, payload: unknown) => void;

export class StudioEvents {
  private readonly listeners = new Set<AnyListener>();

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(name, payload);
      } catch (error) {
        // One broken subscriber (a closed socket, a destroyed window) must not stop the others.
        console.error(`event listener failed for ${name}:`, error instanceof Error ? error.message : error);
      }
    }
  }

  subscribe(listener: AnyListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }
}
