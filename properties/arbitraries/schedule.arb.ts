// Schedules as fast-check values. Two shapes: a raw path (choice indices read modulo the
// enabled count; uniform-like, shrinks towards "always the first choice"), and scripted
// PCT parameters (agent priorities + a few change points), which find depth-2/3 races
// far more often and shrink to the fewest preemptions.
import fc from 'fast-check';
import { ArrayChoiceSource, type ChoiceSource, PctChoiceSource, ScriptedPctSource } from '../../src/kernel/index.ts';

export interface ScheduleValue {
  readonly kind: 'path' | 'pct' | 'pct-seeded';
  readonly path: readonly number[];
  readonly priorities: readonly number[];
  readonly changePoints: readonly number[];
}

/** Paths long enough for a whole run: fast-check's default size would give ~5 choices. */
export const pathSchedule = fc.array(fc.nat({ max: 7 }), { maxLength: 1200, size: 'max' })
  .map((path): ScheduleValue => ({ kind: 'path', path, priorities: [], changePoints: [] }));

export const pctSchedule = (maxStep: number) => fc.record({
  priorities: fc.array(fc.nat({ max: 16 }), { minLength: 1, maxLength: 8 }),
  changePoints: fc.array(fc.nat({ max: maxStep }), { maxLength: 3 }),
}).map(({ priorities, changePoints }): ScheduleValue => ({ kind: 'pct', path: [], priorities, changePoints }));

/**
 * Randomised PCT as the CLI runs it (a seed and a depth from the 2..20 portfolio): depth-3+
 * races with store buffers lingering in the low band are found far sooner than by scripted
 * parameters. The seed does not shrink meaningfully; the counterexample's packets and path
 * are minimised afterwards by `shrinkFailure`.
 */
export const seededPctSchedule = (expectedSteps: number) => fc.record({
  seed: fc.nat(),
  depth: fc.integer({ min: 2, max: 20 }),
}).map(({ seed, depth }): ScheduleValue => ({ kind: 'pct-seeded', path: [seed, depth, expectedSteps], priorities: [], changePoints: [] }));

/** What the mutant search draws from: scripted PCT (shrinks to fewest preemptions) or seeded PCT. */
export const mutantSchedule = (maxStep: number) => fc.oneof(pctSchedule(maxStep), seededPctSchedule(maxStep / 2));

export const anySchedule = (maxStep: number) => fc.oneof(pctSchedule(maxStep), pathSchedule);

export function sourceOf(s: ScheduleValue): ChoiceSource {
  switch (s.kind) {
    case 'path': return new ArrayChoiceSource(s.path);
    case 'pct': return new ScriptedPctSource(s.priorities, s.changePoints);
    case 'pct-seeded': return new PctChoiceSource(s.path[0]!, { depth: s.path[1]!, expectedSteps: s.path[2]! });
  }
}
