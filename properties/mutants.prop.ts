// Every bug-zoo mutant is caught: fast-check searches schedules as scripted PCT parameters
// (priorities + change points), shrinks them to the fewest preemptions, our shrinker minimises the packets and path, and the
// shrunk path replays to the same violation. A property that never fails proves nothing.
import { describe, expect, it } from 'vitest';
import { VARIANTS } from '../src/variants/catalogue.ts';
import { REQUIREMENTS } from '../spec/catalogue.ts';
import { runOnce } from '../src/explore/run-once.ts';
import { ArrayChoiceSource, decodePath } from '../src/kernel/index.ts';
import { REFERENCE_DEVICE } from '../src/device/quirks.ts';
import { REFERENCE_DRIVER } from '../src/driver/quirks.ts';
import { expectCaughtShrunkReplayed } from './support/caught.ts';
import { ORACLES, type Violation } from '../src/oracles/index.ts';

const mutants = VARIANTS.filter((v) => v.kind === 'mutant');
/** Requirement ids named by the run's violations of `property` (a device's violation may come before the driver's). */
const namedBy = (violations: readonly Violation[], property: string): string[] =>
  violations.filter((v) => v.property === property).flatMap((v) => v.requirements);
const searchable = mutants.filter((m) => !m.regressions);
const pinned = mutants.filter((m) => m.regressions);

describe('bug-zoo mutants are caught with a shrunk, replayable counterexample', () => {
  it('every oracle property is the one that catches some mutant (a property that never fails proves nothing)', () => {
    const catching = new Set(mutants.map((m) => m.caughtBy));
    for (const o of ORACLES) expect(catching.has(o.property), o.property).toBe(true);
  });

  it('every requirement a mutant names lists the property that catches it (spec/requirements/ agrees with the evidence)', () => {
    for (const m of mutants) {
      for (const id of m.names ?? []) {
        const r = REQUIREMENTS.find((x) => x.id === id);
        expect(r, `${m.name} names ${id}, which spec/requirements/ does not define`).toBeDefined();
        expect(r!.properties as readonly string[], `${id} (named by ${m.name})`).toContain(m.caughtBy);
      }
    }
  });

  it.each(searchable.map((m) => [m.name, m] as const))('%s is found by search', (_name, m) => {
    // Minimise packets and path, then replay the shrunk path: same property, same trace.
    const { first, shrunk, replay } = expectCaughtShrunkReplayed(m.config, m.caughtBy!, { maxStep: 1200, numRuns: 2000, shrinkBudget: 300, ...(m.names ? { requirement: m.names[0]! } : {}) });
    expect(replay.records.length).toBe(shrunk.result.records.length);
    expect(shrunk.result.violations[0]!.at).toBeLessThanOrEqual(first.at);
    // The requirement ids it is evidence for: named by a violation of its property, in the shrunk replay.
    for (const id of m.names ?? []) expect(namedBy(replay.violations, m.caughtBy!), `${m.name}: shrunk replay names ${id}`).toContain(id);
  });

  // Deep races beyond the CI search budget keep a pinned, shrunk counterexample (a regression
  // corpus): it must still violate the same property, and the reference must pass the same path.
  it.each(pinned.map((m) => [m.name, m] as const))('%s replays its pinned counterexample', (_name, m) => {
    for (const reg of m.regressions!) {
      const config = { ...m.config, ...reg.overrides };
      const r = runOnce(config, new ArrayChoiceSource(decodePath(reg.path)));
      expect(r.violations[0]?.property).toBe(m.caughtBy);
      for (const id of m.names ?? []) expect(namedBy(r.violations, m.caughtBy!), `${m.name}: names ${id}`).toContain(id);
      const reference = runOnce({ ...config, device: REFERENCE_DEVICE, driver: REFERENCE_DRIVER }, new ArrayChoiceSource(decodePath(reg.path)));
      expect(reference.violations).toEqual([]);
    }
  });
});
