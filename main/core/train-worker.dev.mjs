// Development entry of the training worker: worker threads do not inherit tsx, so register it before loading the TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./train-worker.ts');
