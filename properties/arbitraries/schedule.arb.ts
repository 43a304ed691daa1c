// Schedules as fast-check values. Two shapes: a raw path (choice indices read modulo the
// enabled count; uniform-like, shrinks towards "always the first choice"), and scripted
// PCT parameters (agent priorities + a few change points), which find depth-2/3 races
// far more often and shrink to the fewest preemptions.
import fc from 'fast-check';
import { ArrayChoiceSource, type ChoiceSource, ScriptedPctSource } from '../../src/kernel/index.ts';

export interface ScheduleValue {
  readonly kind: 'path' | 'pct';
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

export const anySchedule = (maxStep: number) => fc.oneof(pctSchedule(maxStep), pathSchedule);

export function sourceOf(s: ScheduleValue): ChoiceSource {
  return s.kind === 'path' ? new ArrayChoiceSource(s.path) : new ScriptedPctSource(s.priorities, s.changePoints);
}
