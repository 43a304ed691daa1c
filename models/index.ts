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
 * of a map lookup instead of ~10–20 µs per step. Contexts here are a few numbers/bigints.
 * @example
 * const step = memoStepper(driverStatusMachine);
 * const { snapshot, accepted } = step(s0, { type: 'drv.writeStatus', value: 1 });
 */
export function memoStepper<M extends AnyStateMachine>(machine: M, maxEntries = 50_000) {
  const keys = new WeakMap<object, string>();
  const cache = new Map<string, { snapshot: SnapshotFrom<M>; accepted: boolean }>();
  const keyOf = (s: SnapshotFrom<M>): string => {
    let k = keys.get(s as object);
    if (k === undefined) {
      const snap = s as AnyMachineSnapshot;
      k = stableKey([snap.value, snap.context]);
      keys.set(s as object, k);
    }
    return k;
  };
  return (snapshot: SnapshotFrom<M>, event: EventFromLogic<M>): { snapshot: SnapshotFrom<M>; accepted: boolean } => {
    if (transitionRecorder) return stepOracle(machine, snapshot, event); // report hook: every step seen
    const key = `${keyOf(snapshot)}\u0000${eventKey(event as Record<string, unknown>)}`;
    let hit = cache.get(key);
    if (!hit) {
      hit = stepOracle(machine, snapshot, event);
      if (cache.size >= maxEntries) cache.clear();
      cache.set(key, hit);
      keys.set(hit.snapshot as object, keyOf(hit.snapshot));
    }
    return hit;
  };
}

/** Events are flat records of strings, numbers and booleans: a cheap exact key. */
function eventKey(event: Record<string, unknown>): string {
  let k = '';
  for (const name in event) k += `${name}=${String(event[name])};`;
  return k;
}

function stableKey(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}
