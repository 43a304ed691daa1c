// Transition coverage of the oracle statecharts by the property suite's runs: with the
// models' recorder on (models/index.ts), every accepted oracle step is resolved to the
// transition definitions XState selects (`machine.getTransitionData`), and each machine's
// transitions (enumerated by xstate/graph) are counted as taken or not.

import type { AnyStateMachine, AnyTransitionDefinition } from 'xstate';
import { setTransitionRecorder } from '../../models/index.ts';
import { MACHINES, machineTransitions, type MachineTransition } from './statecharts.ts';

export interface MachineCoverage {
  readonly name: string;
  readonly file: string;
  readonly total: number;
  readonly covered: number;
  readonly uncovered: readonly MachineTransition[];
  /** Keys of the uncovered transitions, for the diagram. */
  readonly uncoveredKeys: ReadonlySet<string>;
}

/**
 * Run `workload` with the recorder on and report, per machine of models/, which of its
 * transitions the oracles took. The recorder is turned off again even if `workload` throws.
 */
export function measureTransitionCoverage(workload: () => void): MachineCoverage[] {
  const taken = new Set<AnyTransitionDefinition>();
  setTransitionRecorder((machine: AnyStateMachine, snapshot, event) => {
    for (const t of machine.getTransitionData(snapshot as never, event as never)) taken.add(t);
  });
  try {
    workload();
  } finally {
    setTransitionRecorder(undefined);
  }
  return MACHINES.map(({ name, file, machine }) => {
    const all = machineTransitions(machine);
    const uncovered = all.filter((t) => !taken.has(t.definition));
    return { name, file, total: all.length, covered: all.length - uncovered.length, uncovered, uncoveredKeys: new Set(uncovered.map((t) => t.key)) };
  });
}

/** Covered transitions over all machines, as a share. */
export function totalTransitionShare(cov: readonly MachineCoverage[]): { covered: number; total: number } {
  return { covered: cov.reduce((a, c) => a + c.covered, 0), total: cov.reduce((a, c) => a + c.total, 0) };
}
