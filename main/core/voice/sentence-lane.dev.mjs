// Development entry of a voice lane thread: worker threads do not inherit tsx, so register it before loading the TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./sentence-lane.ts');
