// Entry of a voice lane thread: opens the voice model once, then renders the sentences it is sent, one at a time; voice lane thread.
import { parentPort, workerData } from 'node:worker_threads';
import type { FromLane, LaneStart, ToLane } from './sentence-lanes.js';
import { SentenceRenderer } from './sentence-render.js';

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function serveLane(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('a voice lane must run in a worker thread');
  const send = (message: FromLane, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  const start = workerData as LaneStart;
  let renderer: SentenceRenderer | undefined;
  // The sentence in progress: closing waits for it, since the model must not be released under a running inference.
  let inFlight: Promise<unknown> = Promise.resolve();
  port.on('message', (message: ToLane) => {
    if (message.type === 'close') {
      void inFlight
        .then(() => renderer?.close())
        .finally(() => port.close());
      return;
    }
    if (!renderer) return;
    inFlight = renderer.render(message.reading, message.leadSamples).then(
      (samples) => send({ type: 'rendered', id: message.id, samples }, [samples.buffer as ArrayBuffer]),
      (error: unknown) => send({ type: 'failed', id: message.id, message: messageOf(error) }),
    );
  });
  try {
    renderer = await SentenceRenderer.open(start.model, { threads: start.threads });
    send({ type: 'ready' });
  } catch (error) {
    send({ type: 'fatal', message: messageOf(error) });
    port.close();
  }
}

void serveLane();
