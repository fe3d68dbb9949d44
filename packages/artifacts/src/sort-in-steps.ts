/** Positions sorted by insertion in each run before the runs are merged. */
const RUN = 32;

/**
 * The positions 0..n-1 ordered by `compare` (stable), by a bottom-up merge sort over an
 * Int32Array, pausing (yield) every 1,024 placements so the caller can yield to the event loop
 * between steps: one comparator sort of a million elements holds the loop for hundreds of
 * milliseconds. Drive it to the end in one piece where a pause is not needed.
 */
export function* sortInSteps(
  n: number,
  compare: (a: number, b: number) => number,
): Generator<void, Int32Array> {
  let from = new Int32Array(n);
  for (let i = 0; i < n; i++) from[i] = i;
  for (let start = 0; start < n; start += RUN) {
    const end = Math.min(start + RUN, n);
    for (let i = start + 1; i < end; i++) {
      const x = from[i]!;
      let j = i - 1;
      for (; j >= start && compare(from[j]!, x) > 0; j--) from[j + 1] = from[j]!;
      from[j + 1] = x;
    }
    if ((start & 1023) === 0) yield;
  }
  let to = new Int32Array(n);
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let a = lo;
      let b = mid;
      for (let k = lo; k < hi; k++) {
        const takeA = b >= hi || (a < mid && compare(from[a]!, from[b]!) <= 0);
        to[k] = takeA ? from[a++]! : from[b++]!;
        if ((k & 1023) === 0) yield;
      }
    }
    [from, to] = [to, from];
  }
  return from;
}

/** Runs a stepped computation (sortInSteps, ...) to its end in one piece. */
export function runSteps<T>(steps: Generator<void, T>): T {
  let step = steps.next();
  while (step.done !== true) step = steps.next();
  return step.value;
}
