// Which items of a recording-ordered list are held out for a quality report: one in `every`, spread evenly, at least one; main process.

/** Indices of the held-out items among `count`: the last of each run of `every`, so they span the whole session. */
export function heldOutIndices(count: number, every = 10): Set<number> {
  if (count < 2) return new Set();
  const held = Math.max(1, Math.floor(count / every));
  const step = count / held;
  return new Set(Array.from({ length: held }, (_, k) => Math.min(count - 1, Math.floor((k + 1) * step) - 1)));
}
