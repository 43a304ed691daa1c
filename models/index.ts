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
