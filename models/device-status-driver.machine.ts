// What the DRIVER may do with the device status field: virtio v1.4 §2.1.1 (driver
// requirements), §3.1.1 (init order, steps 1–8), §3.1.2 (legacy: no FEATURES_OK step).
import { and, assign, setup } from 'xstate';
import { INIT_SEQUENCE, LEGACY_INIT_SEQUENCE, STATUS } from '../spec/facts/status-bits.ts';

/** Events the driver-status oracle consumes (all driver → device, §2.1 / §3.1.1). */
export type DriverStatusEvent =
  /** Driver wrote the Status register (MMIO 0x070 / PCI device_status). */
  | { type: 'drv.writeStatus'; value: number }
  /** Driver read the Status register and saw `value`. */
  | { type: 'drv.readStatus'; value: number }
  /** Available-buffer notification on `queue` (§2.3). */
  | { type: 'drv.kick'; queue: number }
  /** Driver wrote (a word of) DriverFeatures. */
  | { type: 'drv.writeDriverFeatures' }
  /** Driver wrote the device-specific config space (§2.5). */
  | { type: 'drv.writeConfig' }
  /** Driver configured a virtqueue (QueueSel/QueueSize/addresses/QueueReady). */
  | { type: 'drv.queueSetup'; queue: number };

export interface DriverStatusContext {
  /** Driver-written status bits, plus a DEVICE_NEEDS_RESET the driver has read. */
  status: number;
  legacy: boolean;
}

/**
 * The value after `status` in the cumulative init sequence (0→1→3→0xB→0xF, legacy
 * 0→1→3→7), ignoring the device-owned DEVICE_NEEDS_RESET bit; undefined at the end.
 * @example nextInitStep(0x03, false) // → 0x0B
 */
export function nextInitStep(status: number, legacy: boolean): number | undefined {
  const sequence = legacy ? LEGACY_INIT_SEQUENCE : INIT_SEQUENCE;
  const driverBits = status & ~STATUS.DEVICE_NEEDS_RESET;
  if (driverBits === 0) return sequence[0];
  const i = sequence.indexOf(driverBits);
  return i < 0 ? undefined : sequence[i + 1];
}

/**
 * Whether `value` is `expected`, once `current` shows DEVICE_NEEDS_RESET: that bit is
 * device-owned, so a read-modify-write (Linux `virtio_add_status`) may carry it or not.
 * @example isStatusValue(0xcf, 0x8f, 0x4f) // → true
 */
export function isStatusValue(value: number, expected: number, current: number): boolean {
  const deviceOwned = current & STATUS.DEVICE_NEEDS_RESET;
  return (value & ~deviceOwned) === (expected & ~deviceOwned);
}

export const driverStatusMachine = setup({
  types: {
    context: {} as DriverStatusContext,
    events: {} as DriverStatusEvent,
    input: {} as { legacy: boolean },
  },
  guards: {
    isResetRequest: ({ event }) => event.type === 'drv.writeStatus' && event.value === 0,
    isFailureReport: ({ context, event }) =>
      event.type === 'drv.writeStatus' &&
      (context.status & STATUS.FAILED) === 0 &&
      isStatusValue(event.value, context.status | STATUS.FAILED, context.status),
    isFailureOverReadBack: ({ context, event }) =>
      event.type === 'drv.writeStatus' &&
      isStatusValue(event.value, (context.status & ~STATUS.FEATURES_OK) | STATUS.FAILED, context.status & ~STATUS.FEATURES_OK),
    isCumulativeNextStep: ({ context, event }) => {
      if (event.type !== 'drv.writeStatus') return false;
      const next = nextInitStep(context.status, context.legacy);
      return next !== undefined && isStatusValue(event.value, next, context.status);
    },
    isLegacy: ({ context }) => context.legacy,
    hasFeaturesOkBit: ({ event }) =>
      event.type === 'drv.readStatus' && (event.value & STATUS.FEATURES_OK) !== 0,
  },
  actions: {
    recordStatus: assign({
      status: ({ context, event }) => {
        if (event.type !== 'drv.writeStatus' || event.value === 0) return 0;
        return event.value | (context.status & STATUS.DEVICE_NEEDS_RESET);
      },
    }),
    recordDeviceBits: assign({
      status: ({ context, event }) =>
        event.type === 'drv.readStatus' && context.status !== 0
          ? context.status | (event.value & STATUS.DEVICE_NEEDS_RESET)
          : context.status,
    }),
  },
}).createMachine({
  id: 'driverStatus',
  context: ({ input }) => ({ status: 0, legacy: input.legacy }),
  initial: 'reset',
  on: {
    'drv.writeStatus': [
      { guard: 'isResetRequest', target: '.reset', actions: 'recordStatus' }, // reset from anywhere (§2.4.2)
      { guard: 'isFailureReport', target: '.failed', actions: 'recordStatus' }, // STATUS-DRV-9
    ],
    'drv.readStatus': { actions: 'recordDeviceBits' }, // reads are always allowed
  },
  states: {
    reset: {
      on: { 'drv.writeStatus': { guard: 'isCumulativeNextStep', target: 'acknowledged', actions: 'recordStatus' } }, // STATUS-DRV-1
    },
    acknowledged: {
      on: { 'drv.writeStatus': { guard: 'isCumulativeNextStep', target: 'driver', actions: 'recordStatus' } }, // STATUS-DRV-5
    },
    driver: {
      on: {
        'drv.writeStatus': [
          { guard: and(['isCumulativeNextStep', 'isLegacy']), target: 'driverOk', actions: 'recordStatus' }, // §3.1.2: 3→7
          { guard: 'isCumulativeNextStep', target: 'featuresOkUnconfirmed', actions: 'recordStatus' }, // STATUS-DRV-5: 3→0xB
        ],
        'drv.writeDriverFeatures': { target: 'driver' }, // STATUS-DRV-7: only between DRIVER and FEATURES_OK
        'drv.writeConfig': { guard: 'isLegacy', target: 'driver' }, // STATUS-DRV-6 (legacy has no FEATURES_OK)
        'drv.queueSetup': { guard: 'isLegacy', target: 'driver' }, // §3.1.2 step 7 without FEATURES_OK
      },
    },
    featuresOkUnconfirmed: {
      tags: ['obligation'], // STATUS-DRV-8: must read status back before going on
      on: {
        'drv.readStatus': [
          { guard: 'hasFeaturesOkBit', target: 'featuresOk', actions: 'recordDeviceBits' }, // STATUS-DRV-8
          { target: 'featuresRejected', actions: 'recordDeviceBits' }, // device refused the subset
        ],
      },
    },
    featuresOk: {
      on: {
        'drv.writeStatus': { guard: 'isCumulativeNextStep', target: 'driverOk', actions: 'recordStatus' }, // STATUS-DRV-5: 0xB→0xF
        'drv.writeConfig': { target: 'featuresOk' }, // STATUS-DRV-6: config writes from here on
        'drv.queueSetup': { target: 'featuresOk' }, // §3.1.1 step 7
      },
    },
    featuresRejected: {
      on: {
        // STATUS-DRV-9: MUST NOT continue; only reset or FAILED (root handlers) — FAILED also as
        // Linux virtio_add_status writes it: ORed into the status read back, FEATURES_OK clear.
        'drv.writeStatus': { guard: 'isFailureOverReadBack', target: 'failed', actions: 'recordStatus' },
      },
    },
    driverOk: {
      on: {
        'drv.kick': { target: 'driverOk' }, // STATUS-DRV-10: kicks only once live
        'drv.writeConfig': { target: 'driverOk' },
        // No drv.queueSetup: queues are set up in step 7, before DRIVER_OK (STATUS-DRV-5). Re-enabling
        // one after DRIVER_OK needs VIRTIO_F_RING_RESET (§2.6.1), which the suite does not model.
      },
    },
    failed: {}, // STATUS-DRV-3: after FAILED only a reset (root handler: value 0)
  },
});
