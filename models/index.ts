// Oracle models (XState v5 statecharts of the spec's rules, §2.1, §2.2, §2.4, §3.1) and the
// pure step used to run them over a trace: an event the current state does not accept is a violation.
import { transition } from 'xstate';
import type { AnyMachineSnapshot, AnyStateMachine, EventFromLogic, SnapshotFrom } from 'xstate';

export { driverStatusMachine, nextInitStep, isStatusValue } from './device-status-driver.machine.ts';
export type { DriverStatusEvent, DriverStatusContext } from './device-status-driver.machine.ts';
export { deviceStatusMachine } from './device-status-device.machine.ts';
export type { DeviceStatusEvent, DeviceStatusContext } from './device-status-device.machine.ts';
export { featureNegotiationMachine } from './feature-negotiation.machine.ts';
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
  const [next] = transition(machine, snapshot, event);
  return { snapshot: next, accepted: true };
}

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
 * Each snapshot object is mapped once (WeakMap) to the transition table of its (value,
 * context) key, so a step looks up only the short event key: no key string of the whole
 * context is built and hashed per step.
 * @example
 * const step = memoStepper(driverStatusMachine);
 * const { snapshot, accepted } = step(s0, { type: 'drv.writeStatus', value: 1 });
 */
export function memoStepper<M extends AnyStateMachine>(machine: M, maxEntries = 50_000) {
  type Step = { snapshot: SnapshotFrom<M>; accepted: boolean };
  let tableOfSnapshot = new WeakMap<object, Map<string, Step>>();
  /** Transitions by snapshot key (value and context), then by event key. */
  const tables = new Map<string, Map<string, Step>>();
  let entries = 0;
  const tableOf = (s: SnapshotFrom<M>): Map<string, Step> => {
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
    const table = tableOf(snapshot);
    const ek = eventKey(event as Record<string, unknown>);
    let hit = table.get(ek);
    if (!hit) {
      hit = stepOracle(machine, snapshot, event);
      if (entries >= maxEntries) {
        // Bounded memory: start over (the tables of snapshots still in use are rebuilt on demand).
        tables.clear();
        tableOfSnapshot = new WeakMap();
        entries = 0;
      }
      tableOf(snapshot).set(ek, hit);
      entries++;
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
