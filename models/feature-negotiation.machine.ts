// Feature negotiation: virtio v1.4 §2.2 (2.2.1 driver / 2.2.2 device), §3.1.1 steps 4–6,
// §4.2.2.2 (MMIO selectors, MMIO-DRV-6) and §4.2.5 (bits MMIO does not support).
import { and, assign, setup } from 'xstate';
import {
  MMIO_UNSUPPORTED_FEATURES,
  featureMask,
  unmetDependency,
  type FeatureSet,
} from '../spec/facts/feature-bits.ts';

/** Events the feature-negotiation oracle consumes (§2.2, §4.2.2 registers). */
export type FeatureEvent =
  /** Driver wrote DeviceFeaturesSel (MMIO 0x014 / PCI device_feature_select). */
  | { type: 'drv.selectDeviceFeatures'; sel: number }
  /** Driver read DeviceFeatures (32 bits of word `sel`). */
  | { type: 'drv.readDeviceFeatures'; value: number }
  /** Driver wrote DriverFeaturesSel (MMIO 0x024 / PCI driver_feature_select). */
  | { type: 'drv.selectDriverFeatures'; sel: number }
  /** Driver wrote DriverFeatures (32 bits of word `sel`). */
  | { type: 'drv.writeDriverFeatures'; value: number }
  /** Driver set FEATURES_OK in the status field (§3.1.1 step 5). */
  | { type: 'drv.setFeaturesOk' }
  /** The device's answer, as the status read-back showed it (§3.1.1 step 6). */
  | { type: 'dev.featuresOk'; accepted: boolean }
  /** Device reset: negotiation starts over (§2.2: only a reset changes features). */
  | { type: 'reset' };

export interface FeatureNegotiationInput {
  transport: 'mmio' | 'pci';
  deviceType: 'net' | 'other';
}

export interface FeatureNegotiationContext extends FeatureNegotiationInput {
  /** Bits the driver has read from DeviceFeatures. */
  offered: FeatureSet;
  /** Bits the driver has written to DriverFeatures. */
  accepted: FeatureSet;
  driverFeaturesSel: number | undefined;
  deviceFeaturesSel: number | undefined;
}

/** Feature words tracked: bits 0–127 (bits ≥128 are reserved, §2.2); keeps context bounded. */
const FEATURE_WORDS = 4;
const WORD_MASK = 0xffff_ffffn;

/** The 32-bit `value` placed at word `sel`, or 0n for an untracked word. */
function wordBits(value: number, sel: number): FeatureSet {
  return sel < FEATURE_WORDS ? BigInt(value >>> 0) << BigInt(32 * sel) : 0n;
}

/** The word a DeviceFeatures access refers to. MMIO-DRV-6 (select first) is MMIO-only; PCI defaults to word 0. */
function deviceSel(context: FeatureNegotiationContext): number | undefined {
  return context.deviceFeaturesSel ?? (context.transport === 'pci' ? 0 : undefined);
}

/** The word a DriverFeatures access refers to (same rule as `deviceSel`). */
function driverSel(context: FeatureNegotiationContext): number | undefined {
  return context.driverFeaturesSel ?? (context.transport === 'pci' ? 0 : undefined);
}

export const featureNegotiationMachine = setup({
  types: {
    context: {} as FeatureNegotiationContext,
    events: {} as FeatureEvent,
    input: {} as FeatureNegotiationInput,
  },
  guards: {
    hasDeviceFeaturesSel: ({ context }) => deviceSel(context) !== undefined,
    hasDriverFeaturesSel: ({ context }) => driverSel(context) !== undefined,
    isOfferedWord: ({ context, event }) => {
      const sel = driverSel(context);
      if (event.type !== 'drv.writeDriverFeatures' || sel === undefined) return false;
      if (sel >= FEATURE_WORDS) return event.value >>> 0 === 0;
      return (wordBits(event.value, sel) & ~context.offered) === 0n;
    },
    isSubsetOfOffered: ({ context }) => (context.accepted & ~context.offered) === 0n,
    isDependencyClosed: ({ context }) =>
      context.deviceType !== 'net' || unmetDependency(context.accepted) === undefined,
    isTransportSupported: ({ context }) =>
      context.transport !== 'mmio' || (context.accepted & featureMask(...MMIO_UNSUPPORTED_FEATURES)) === 0n,
    isRefusal: ({ event }) => event.type === 'dev.featuresOk' && !event.accepted,
    isAcceptance: ({ event }) => event.type === 'dev.featuresOk' && event.accepted,
  },
  actions: {
    recordDeviceFeaturesSel: assign({
      deviceFeaturesSel: ({ context, event }) =>
        event.type === 'drv.selectDeviceFeatures' ? event.sel >>> 0 : context.deviceFeaturesSel,
    }),
    recordDriverFeaturesSel: assign({
      driverFeaturesSel: ({ context, event }) =>
        event.type === 'drv.selectDriverFeatures' ? event.sel >>> 0 : context.driverFeaturesSel,
    }),
    recordOffered: assign({
      offered: ({ context, event }) => {
        const sel = deviceSel(context);
        if (event.type !== 'drv.readDeviceFeatures' || sel === undefined) return context.offered;
        return context.offered | wordBits(event.value, sel);
      },
    }),
    recordAccepted: assign({
      accepted: ({ context, event }) => {
        const sel = driverSel(context);
        if (event.type !== 'drv.writeDriverFeatures' || sel === undefined || sel >= FEATURE_WORDS) {
          return context.accepted;
        }
        const shift = BigInt(32 * sel);
        return (context.accepted & ~(WORD_MASK << shift)) | wordBits(event.value, sel);
      },
    }),
    // Offered bits are the device's fixed offer and stay known across a reset (Linux
    // `virtio_device_restore` re-writes features without re-reading them); the rest restarts.
    restartNegotiation: assign({ accepted: 0n, driverFeaturesSel: undefined, deviceFeaturesSel: undefined }),
  },
}).createMachine({
  id: 'featureNegotiation',
  context: ({ input }) => ({
    offered: 0n,
    accepted: 0n,
    driverFeaturesSel: undefined,
    deviceFeaturesSel: undefined,
    transport: input.transport,
    deviceType: input.deviceType,
  }),
  initial: 'negotiating',
  on: {
    'drv.selectDeviceFeatures': { actions: 'recordDeviceFeaturesSel' },
    'drv.readDeviceFeatures': { guard: 'hasDeviceFeaturesSel', actions: 'recordOffered' }, // MMIO-DRV-6
    'drv.selectDriverFeatures': { actions: 'recordDriverFeaturesSel' },
    reset: { target: '.negotiating', actions: 'restartNegotiation' }, // §2.2: features change only via reset
  },
  states: {
    negotiating: {
      on: {
        'drv.writeDriverFeatures': {
          guard: and(['hasDriverFeaturesSel', 'isOfferedWord']), // MMIO-DRV-6, FEAT-DRV-1
          actions: 'recordAccepted',
        },
        'drv.setFeaturesOk': {
          // FEAT-DRV-1, FEAT-DRV-2 (dependencies), FEAT-DRV-3 (e.g. ADMIN_VQ on MMIO, §4.2.5)
          guard: and(['isSubsetOfOffered', 'isDependencyClosed', 'isTransportSupported']),
          target: 'frozen',
        },
        'dev.featuresOk': [
          // The driver's FEATURES_OK was itself rejected above; still judge the device's answer.
          { guard: 'isRefusal', target: 'refused' }, // FEAT-DEV-2: refusing an invalid set is right
          { guard: and(['isAcceptance', 'isSubsetOfOffered', 'isDependencyClosed']), target: 'agreed' }, // FEAT-DEV-2
        ],
      },
    },
    frozen: {
      // STATUS-DRV-7: no drv.writeDriverFeatures handler from here on
      on: {
        'dev.featuresOk': [
          { guard: 'isRefusal', target: 'refused' }, // STATUS-DEV-5: device may refuse
          { guard: and(['isAcceptance', 'isSubsetOfOffered', 'isDependencyClosed']), target: 'agreed' }, // FEAT-DEV-2
        ],
      },
    },
    agreed: {
      on: { 'dev.featuresOk': { guard: 'isAcceptance', target: 'agreed' } }, // re-reads must keep FEATURES_OK
    },
    refused: {
      on: { 'dev.featuresOk': { guard: 'isRefusal', target: 'refused' } }, // STATUS-DRV-9: driver must give up
    },
  },
});
