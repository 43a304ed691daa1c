// The oracle statecharts of models/ as pictures and as a checklist: each machine's
// transitions enumerated with xstate/graph (`toDirectedGraph`), drawn as a Mermaid
// `stateDiagram-v2`, and measured against the transitions the oracles actually take.

import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { toDirectedGraph, type DirectedGraphNode } from 'xstate/graph';
import {
  deviceStatusMachine, driverStatusMachine, featureNegotiationMachine, msiVectorMachine, netMqMachine,
} from '../../models/index.ts';

/** Every machine of models/, with the file it lives in. */
export const MACHINES: readonly { readonly name: string; readonly file: string; readonly machine: AnyStateMachine }[] = [
  { name: 'driverStatus', file: 'models/device-status-driver.machine.ts', machine: driverStatusMachine },
  { name: 'deviceStatus', file: 'models/device-status-device.machine.ts', machine: deviceStatusMachine },
  { name: 'featureNegotiation', file: 'models/feature-negotiation.machine.ts', machine: featureNegotiationMachine },
  { name: 'netMq', file: 'models/net-mq.machine.ts', machine: netMqMachine },
  { name: 'msiVector', file: 'models/msi-vector.machine.ts', machine: msiVectorMachine },
];

/** One evented transition of a machine (one alternative of a guarded list counts on its own). */
export interface MachineTransition {
  /** `source --event [guard]--> target`, unique within the machine. */
  readonly key: string;
  readonly source: string;
  readonly target: string;
  readonly event: string;
  readonly guard: string;
  readonly definition: AnyTransitionDefinition;
}

function guardName(t: AnyTransitionDefinition): string {
  const g = t.guard as unknown;
  if (!g) return '';
  if (typeof g === 'string') return g;
  if (typeof g === 'object' && g !== null && typeof (g as { type?: unknown }).type === 'string') return (g as { type: string }).type;
  return 'guard';
}

/** The machine's transitions, as `toDirectedGraph` enumerates them (eventless `always` ones excluded). */
export function machineTransitions(machine: AnyStateMachine): MachineTransition[] {
  const out: MachineTransition[] = [];
  const walk = (node: DirectedGraphNode): void => {
    const perEvent = new Map<string, number>();
    for (const e of node.edges) {
      const event = e.label.text;
      const n = perEvent.get(event) ?? 0;
      perEvent.set(event, n + 1);
      const guard = guardName(e.transition);
      const source = e.source.id, target = e.target.id;
      out.push({ key: `${source} --${event}${guard ? ` [${guard}]` : ''}#${n}--> ${target}`, source, target, event, guard, definition: e.transition });
    }
    node.children.forEach(walk);
  };
  walk(toDirectedGraph(machine));
  return out;
}

const sid = (id: string): string => id.replace(/[^A-Za-z0-9_]/g, '_');
const label = (text: string): string => text.replace(/[:;#]/g, ' ');

/**
 * The machine as a Mermaid state diagram: compound states nest, the initial state of each
 * level is entered from `[*]`, transitions defined on the root (any state) start from a
 * pseudo-state "any state". Transitions in `uncovered` are drawn dashed-labelled `✗`.
 * @example renderMachineMermaid(msiVectorMachine) // 'stateDiagram-v2\n  state "start" as msiVector_start …'
 */
export function renderMachineMermaid(machine: AnyStateMachine, uncovered: ReadonlySet<string> = new Set()): string {
  const out = ['stateDiagram-v2'];
  const rootId = machine.root.id;
  const node = (n: AnyStateNode, indent: string): void => {
    const children = Object.values(n.states) as AnyStateNode[];
    if (children.length === 0) { out.push(`${indent}state "${label(n.key)}" as ${sid(n.id)}`); return; }
    const inner = n === machine.root ? indent : `${indent}  `;
    if (n !== machine.root) out.push(`${indent}state "${label(n.key)}" as ${sid(n.id)} {`);
    const initial = n.initial?.target?.[0] as AnyStateNode | undefined;
    for (const c of children) node(c, inner);
    if (initial) out.push(`${inner}[*] --> ${sid(initial.id)}`);
    for (const c of children) {
      for (const t of c.always ?? []) {
        for (const target of (t.target ?? []) as AnyStateNode[]) out.push(`${inner}${sid(c.id)} --> ${sid(target.id)} : always${t.guard ? ` [${label(guardName(t))}]` : ''}`);
      }
    }
    if (n !== machine.root) out.push(`${indent}}`);
  };
  node(machine.root, '  ');
  const transitions = machineTransitions(machine);
  if (transitions.some((t) => t.source === rootId)) out.push(`  state "any state" as ${sid(rootId)}_any`);
  for (const t of transitions) {
    const from = t.source === rootId ? `${sid(rootId)}_any` : sid(t.source);
    const to = t.target === rootId ? `${sid(rootId)}_any` : sid(t.target);
    out.push(`  ${from} --> ${to} : ${uncovered.has(t.key) ? '✗ ' : ''}${label(t.event)}${t.guard ? ` [${label(t.guard)}]` : ''}`);
  }
  return `${out.join('\n')}\n`;
}
