// Stateless depth-first enumeration of every schedule (loom's `Path::step`): replay a
// prefix, take choice 0 beyond it, then move the last choice that still has options to
// its next option and truncate after it. Exponential; for litmus tests and tiny worlds.

import type { ChoiceSource } from './choice.ts';

class PrefixSource implements ChoiceSource {
  readonly taken: { choice: number; n: number }[] = [];
  constructor(private readonly prefix: readonly number[]) {}
  choose(_codes: Int32Array, n: number): number {
    const i = this.taken.length;
    const c = i < this.prefix.length ? this.prefix[i]! : 0;
    this.taken.push({ choice: c, n });
    return c;
  }
}

/**
 * Calls `runOne(source)` once per distinct schedule, until every one has run or `limit`
 * schedules have. Returns the number of schedules and whether the enumeration finished.
 */
export function forEachSchedule(
  runOne: (source: ChoiceSource, path: readonly number[]) => void,
  limit = 100_000,
): { schedules: number; complete: boolean } {
  let prefix: number[] = [];
  for (let count = 1; ; count++) {
    const source = new PrefixSource(prefix);
    runOne(source, prefix);
    const taken = source.taken;
    let i = taken.length - 1;
    while (i >= 0 && taken[i]!.choice + 1 >= taken[i]!.n) i--;
    if (i < 0) return { schedules: count, complete: true };
    if (count >= limit) return { schedules: count, complete: false };
    prefix = taken.slice(0, i).map((t) => t.choice);
    prefix.push(taken[i]!.choice + 1);
  }
}
