// Learning-rate schedules: the rate for each training step, as a pure function of the step; training worker.

/** Constant, or a short linear warm-up then a half-cosine decay to `floor` × the base rate at the last step. */
export type LearningRateSchedule = { readonly kind: 'constant' } | { readonly kind: 'cosine'; readonly warmup: number; readonly floor: number };

export const CONSTANT_RATE: LearningRateSchedule = { kind: 'constant' };

/** The rate for the run starting at `step` of `totalSteps` (a resumed job gets the rate it would have had). */
export function learningRateAt(base: number, schedule: LearningRateSchedule, step: number, totalSteps: number): number {
  if (schedule.kind === 'constant' || totalSteps <= 0) return base;
  const warmupSteps = Math.floor(schedule.warmup * totalSteps);
  if (step < warmupSteps) return (base * (step + 1)) / warmupSteps;
  const progress = Math.min(1, (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
  return base * (schedule.floor + (1 - schedule.floor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}
