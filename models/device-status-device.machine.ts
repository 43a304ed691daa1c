// What the DEVICE may do around the device status field: virtio v1.4 §2.1.2 (device
// requirements), §2.4.1 (reset), §3.2.1 (config-change notification after NEEDS_RESET).
import { and, assign, not, or, setup } from 'xstate';
import { STATUS } from '../spec/facts/status-bits.ts';
import { isStatusValue, nextInitStep } from './device-status-driver.machine.ts';

/** Events the device-status oracle consumes (all device-side, §2.1.2 / §2.4.1). */
export type DeviceStatusEvent =
  /** Value the device now holds in Status after a driver write. */
  | { type: 'dev.storeStatus'; value: number }
  /** The device goes live (starts processing its queues). */
  | { type: 'dev.activate' }
  /** The device consumed a buffer from `queue` (wrote a used entry). */
  | { type: 'dev.useBuffer'; queue: number }
  /** Used-buffer notification (interrupt) for `queue` (§2.3). */
  | { type: 'dev.notifyUsed'; queue: number }
  /** Configuration-change notification (§2.3, §3.2.1). */
  | { type: 'dev.notifyConfig' }
  /** The device completed a reset: status reads 0 (§2.4). */
  | { type: 'dev.reset' }
  /** The device set DEVICE_NEEDS_RESET (§2.1.2). */
  | { type: 'dev.setNeedsReset' };

export interface DeviceStatusContext {
  /** The status value the device holds. */
  status: number;
  legacy: boolean;
  /** Whether the device went live since the last reset. */
  active: boolean;
}

export const deviceStatusMachine = setup({
  types: {
    context: {} as DeviceStatusContext,
    events: {} as DeviceStatusEvent,
    input: {} as { legacy: boolean },
  },
  guards: {
    isResetValue: ({ event }) => event.type === 'dev.storeStatus' && event.value === 0,
    isFailureMark: ({ context, event }) =>
      event.type === 'dev.storeStatus' &&
      (context.status & STATUS.FAILED) === 0 &&
      isStatusValue(event.value, context.status | STATUS.FAILED, context.status),
    isUnchanged: ({ context, event }) =>
      event.type === 'dev.storeStatus' && isStatusValue(event.value, context.status, context.status),
    isCumulativeNextStep: ({ context, event }) => {
      if (event.type !== 'dev.storeStatus') return false;
      const next = nextInitStep(context.status, context.legacy);
      return next !== undefined && isStatusValue(event.value, next, context.status);
    },
    isActivatable: ({ context }) =>
      (context.status & STATUS.DRIVER_OK) !== 0 &&
      (context.legacy || (context.status & STATUS.FEATURES_OK) !== 0) &&
      (context.status & STATUS.FAILED) === 0,
    isActive: ({ context }) => context.active,
    isStatusSet: ({ context }) => context.status !== 0,
    hasDriverOk: ({ context }) => (context.status & STATUS.DRIVER_OK) !== 0,
    hasNeedsResetBit: ({ context }) => (context.status & STATUS.DEVICE_NEEDS_RESET) !== 0,
  },
  actions: {
    recordStatus: assign({
      status: ({ context, event }) => (event.type === 'dev.storeStatus' ? event.value : context.status),
    }),
    clearStatus: assign({ status: 0, active: false }),
    markActive: assign({ active: true }),
    markNeedsReset: assign({ status: ({ context }) => context.status | STATUS.DEVICE_NEEDS_RESET }),
  },
}).createMachine({
  id: 'deviceStatus',
  context: ({ input }) => ({ status: 0, legacy: input.legacy, active: false }),
  initial: 'reset',
  on: {
    'dev.storeStatus': [
      { guard: 'isResetValue', target: '.reset', actions: 'clearStatus' }, // driver wrote 0: reset (§2.4)
      {
        // FAILED may come at any time; an ignored write (incl. a refused FEATURES_OK,
        // STATUS-DEV-5) leaves the value unchanged; otherwise only the next step.
        // Anything that clears bits or skips a step (BZ-FC-04: 0x0B → 0x04) is rejected.
        guard: or(['isFailureMark', 'isUnchanged', 'isCumulativeNextStep']),
        actions: 'recordStatus',
      },
    ],
    'dev.reset': { target: '.reset', actions: 'clearStatus' }, // STATUS-DEV-3
    'dev.setNeedsReset': [
      {
        // STATUS-DEV-2: with DRIVER_OK set, a config-change notification is now owed
        guard: and(['isStatusSet', 'hasDriverOk', not('hasNeedsResetBit')]),
        target: '.needsResetUnannounced',
        actions: 'markNeedsReset',
      },
      { guard: 'isStatusSet', actions: 'markNeedsReset' }, // STATUS-DEV-2: not while status is 0
    ],
  },
  states: {
    reset: {
      // STATUS-DEV-4: status 0 (power-on or reset done): no notifications, no queue access
      on: {
        'dev.storeStatus': {
          guard: or(['isCumulativeNextStep', 'isFailureMark']),
          target: 'initialising',
          actions: 'recordStatus',
        },
      },
    },
    initialising: {
      on: {
        'dev.activate': { guard: 'isActivatable', target: 'live', actions: 'markActive' }, // STATUS-DEV-1
        'dev.notifyConfig': { target: 'initialising' }, // allowed before DRIVER_OK
      },
    },
    live: {
      on: {
        'dev.useBuffer': { target: 'live' }, // STATUS-DEV-1: only after DRIVER_OK
        'dev.notifyUsed': { target: 'live' }, // STATUS-DEV-1
        'dev.notifyConfig': { target: 'live' },
      },
    },
    needsResetUnannounced: {
      tags: ['obligation'], // STATUS-DEV-2: owes a configuration-change notification
      on: {
        'dev.useBuffer': { guard: 'isActive', target: 'needsResetUnannounced' },
        'dev.notifyUsed': { guard: 'isActive', target: 'needsResetUnannounced' },
        'dev.notifyConfig': [
          { guard: 'isActive', target: 'live' }, // STATUS-DEV-2 discharged
          { target: 'initialising' }, // e.g. activation failed at DRIVER_OK (Firecracker)
        ],
      },
    },
  },
});
