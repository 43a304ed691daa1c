// Oracle models (XState v5 statecharts of the spec's rules, §2.1, §2.2, §2.4, §3.1) and the
// pure step used to run them over a trace: an event the current state does not accept is a violation.
import { transition } from 'xstate';
import type { AnyMachineSnapshot, AnyStateMachine, EventFromLogic, SnapshotFrom } from 'xstate';

export { driverStatusMachine, nextInitStep, isStatusValue } from './device-status-driver.machine.ts';
export type { DriverStatusEvent, DriverStatusContext } from './device-status-driver.machine.ts';
export { deviceStatusMachine } from './device-status-device.machine.ts';
export type { DeviceStatusEvent, DeviceStatusContext } from './device-status-device.machine.ts';
export { featureNegotiationMachine } from './feature-negotiation.machine.ts';
export { netMqMachine, pairsAcceptable, submitProblem } from './net-mq.machine.ts';
export type { NetMqEvent, NetMqContext } from './net-mq.machine.ts';
export { msiVectorMachine } from './msi-vector.machine.ts';
export type { MsiVectorEvent, MsiVectorContext } from './msi-vector.machine.ts';
export type {
  FeatureEvent,
  FeatureNegotiationContext,
  FeatureNegotiationInput,
} from './feature-negotiation.machine.ts';

/**
 * One oracle step. XState silently drops an event no transition takes, so acceptance is
 * checked explicitly with `snapshot.can(event)` (guards included). A rejected event leaves
 * the snapshot unchanged.
 * @example
 * const [s0] = initialTransition(driverStatusMachine, { legacy: false });
 * const { accepted } = stepOracle(driverStatusMachine, s0, { type: 'drv.kick', queue: 0 });
 * // accepted === false: STATUS-DRV-10, no kick before DRIVER_OK
 */
export function stepOracle<M extends AnyStateMachine>(
  machine: M,
  snapshot: SnapshotFrom<M>,
  event: EventFromLogic<M>,
): { snapshot: SnapshotFrom<M>; accepted: boolean } {
  if (!(snapshot as AnyMachineSnapshot).can(event)) return { snapshot, accepted: false };
  transitionRecorder?.(machine, snapshot as AnyMachineSnapshot, event); // --- report hook (branch report)
  const [next] = transition(machine, snapshot, event);
  return { snapshot: next, accepted: true };
}

// --- report hook (branch report): transition coverage. Off (undefined) unless the report
// measures which statechart transitions the oracles take; memoStepper then bypasses its cache.
type TransitionRecorder = (machine: AnyStateMachine, snapshot: AnyMachineSnapshot, event: unknown) => void;
let transitionRecorder: TransitionRecorder | undefined;
/** Observe every accepted oracle step (for transition coverage); `undefined` turns it off. */
export function setTransitionRecorder(recorder: TransitionRecorder | undefined): void {
  transitionRecorder = recorder;
}
// --- end report hook

/**
 * Whether the oracle is in a state that still owes something (tag `obligation`, P's hot
 * state). At quiescence this is a violation.
 * @example hasObligation(snapshot) // true in driverStatus `featuresOkUnconfirmed`
 */
export function hasObligation(snapshot: AnyMachineSnapshot): boolean {
  return snapshot.hasTag('obligation');
}

/**
 * `stepOracle` with a memo: XState's `transition` is a pure function of (state value,
 * context, event), so its results can be cached by those — the same verdicts, at the cost
 * of a few map lookups instead of ~10–20 µs per step. Contexts here are a few numbers/bigints.
 * Each snapshot object is mapped once (WeakMap) to the transition table of its (value,
 * context) key; in the table an event is found field by field (name, then value: a trie of
 * maps), so a step builds no key string (that cost ~200 ns a step; this ~40 ns).
 * @example
 * const step = memoStepper(driverStatusMachine);
 * const { snapshot, accepted } = step(s0, { type: 'drv.writeStatus', value: 1 });
 */
export function memoStepper<M extends AnyStateMachine>(machine: M, maxEntries = 50_000) {
  type Step = { snapshot: SnapshotFrom<M>; accepted: boolean };
  let tableOfSnapshot = new WeakMap<object, EventTrie>();
  /** Transitions by snapshot key (value and context), then by event. */
  const tables = new Map<string, EventTrie>();
  let entries = 0;
  const tableOf = (s: SnapshotFrom<M>): EventTrie => {
    let table = tableOfSnapshot.get(s as object);
    if (table === undefined) {
      const snap = s as AnyMachineSnapshot;
      const key = stableKey([snap.value, snap.context]);
      table = tables.get(key);
      if (table === undefined) tables.set(key, (table = new Map()));
      tableOfSnapshot.set(s as object, table);
    }
    return table;
  };
  return (snapshot: SnapshotFrom<M>, event: EventFromLogic<M>): Step => {
    if (transitionRecorder) return stepOracle(machine, snapshot, event); // report hook: every step seen
    let hit = eventNode(tableOf(snapshot), event as Record<string, unknown>).get(STEP) as Step | undefined;
    if (!hit) {
      hit = stepOracle(machine, snapshot, event);
      if (entries >= maxEntries) {
        // Bounded memory: start over (the tables of snapshots still in use are rebuilt on demand).
        tables.clear();
        tableOfSnapshot = new WeakMap();
        entries = 0;
      }
      eventNode(tableOf(snapshot), event as Record<string, unknown>).set(STEP, hit);
      entries++;
    }
    return hit;
  };
}

/** Field name → field value → … → (at `STEP`) the cached step for the event spelled by the path. */
type EventTrie = Map<unknown, unknown>;
const STEP = Symbol('step');

/**
 * The trie node of a flat event (strings, numbers, booleans, bigints): one level for each
 * field's name and one for its value, in the event's own field order. Map keys compare by
 * SameValueZero, so the path is an exact key. Missing nodes are added (only what is stepped).
 */
function eventNode(root: EventTrie, event: Record<string, unknown>): EventTrie {
  let node = root;
  for (const name in event) {
    node = child(child(node, name), event[name]);
  }
  return node;
}

function child(node: EventTrie, key: unknown): EventTrie {
  let next = node.get(key) as EventTrie | undefined;
  if (next === undefined) node.set(key, (next = new Map()));
  return next;
}

function stableKey(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}
