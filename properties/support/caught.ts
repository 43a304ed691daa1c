// The one shape every "this variant is caught" property shares: search schedules (scripted
// and seeded PCT, fixed seed) until the variant violates something; the first violation must
// be the expected property; shrink it (packets, then path); the shrunk path must replay to
// the same property and the same path.
import { expect } from 'vitest';
import fc from 'fast-check';
import type { SimConfig } from '../../src/sim/config.ts';
import type { OracleProperty, Violation } from '../../src/oracles/index.ts';
import { runOnce, type RunResult } from '../../src/explore/run-once.ts';
import { shrinkFailure } from '../../src/explore/shrink.ts';
import { ArrayChoiceSource, encodePath } from '../../src/kernel/index.ts';
import { mutantSchedule, sourceOf } from '../arbitraries/schedule.arb.ts';

export interface CaughtOptions {
  /** Longest schedule the scripted PCT parameters address. */
  readonly maxStep: number;
  readonly numRuns: number;
  /** Re-runs the shrinker may spend. */
  readonly shrinkBudget: number;
  /** Shrink keeping a violation that names this requirement (a mutant's `names`). */
  readonly requirement?: string;
}

export function expectCaughtShrunkReplayed(config: SimConfig, property: OracleProperty, opts: CaughtOptions):
  { first: Violation; shrunk: ReturnType<typeof shrinkFailure>; replay: RunResult } {
  let failing: RunResult | undefined;
  const out = fc.check(
    fc.property(mutantSchedule(opts.maxStep), (schedule) => {
      const r = runOnce(config, sourceOf(schedule));
      if (r.violations.length > 0) failing = r;
      return r.violations.length === 0;
    }),
    { seed: 20261123, numRuns: opts.numRuns },
  );
  expect(out.failed).toBe(true);
  const first = failing!.violations[0]!;
  expect(first.property).toBe(property);
  const shrunk = shrinkFailure(config, failing!.path, property, opts.shrinkBudget, undefined, opts.requirement);
  const replay = runOnce(shrunk.config, new ArrayChoiceSource(shrunk.result.path));
  expect(replay.violations[0]?.property).toBe(property);
  expect(encodePath(replay.path)).toBe(encodePath(shrunk.result.path));
  return { first, shrunk, replay };
}
