// The one list of events the studio pushes to the UI, with their payload schemas; imported by every process.
import { z } from 'zod';
import { Job, JobId, LossPoint, Settings } from './models.js';

export const events = {
  'job.updated': Job,
  'settings.changed': Settings,
  'job.point': z.object({ id: JobId, point: LossPoint }),
} as const satisfies Record<string, z.ZodType>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export function isEventName(name: string): name is EventName {
  return Object.hasOwn(events, name);
}
