// Test helper shared by the model tests: replay events through a machine, stepping only
// on accepted ones, and collect per-step acceptance and every state node visited.
import { initialTransition } from 'xstate';
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import type { DirectedGraphNode } from 'xstate/graph';
import { stepOracle } from './index.ts';

export function replayMachine(machine: AnyStateMachine, input: unknown, events: readonly unknown[]) {
  let [snapshot] = initialTransition(machine, input as never) as [AnyMachineSnapshot, unknown];
  const visited = new Set(snapshot._nodes.map((n) => n.id));
  const accepted: boolean[] = [];
  for (const event of events) {
    const step = stepOracle(machine, snapshot, event as never);
    snapshot = step.snapshot;
    accepted.push(step.accepted);
    for (const n of snapshot._nodes) visited.add(n.id);
  }
  return { snapshot, accepted, visited };
}

export function allNodeIds(node: DirectedGraphNode): string[] {
  return [node.id, ...node.children.flatMap(allNodeIds)];
}
