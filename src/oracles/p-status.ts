// P-STATUS: the device status statecharts (models/device-status-*.machine.ts) for both
// roles, fed from the trace: driver writes/reads/kicks, device stores/activation/use.
// An event the current state does not accept is a violation. §2.1, §2.4, §3.1.1.

import { initialTransition, type SnapshotFrom } from 'xstate';
import { driverStatusMachine, deviceStatusMachine, memoStepper, hasObligation, type DriverStatusEvent, type DeviceStatusEvent } from '../../models/index.ts';
import { STATUS, formatStatus } from '../../spec/facts/status-bits.ts';
import type { Oracle, OracleRun, Violation } from './types.ts';
import type { ProtocolEvent } from './decode.ts';

type DriverSnap = SnapshotFrom<typeof driverStatusMachine>;
type DeviceSnap = SnapshotFrom<typeof deviceStatusMachine>;

function driverRequirements(ev: DriverStatusEvent, snap: DriverSnap): { ids: string[]; why: string } {
  switch (ev.type) {
    case 'drv.kick': return { ids: ['STATUS-DRV-10'], why: 'a driver must not notify the device before DRIVER_OK' };
    case 'drv.writeDriverFeatures': return { ids: ['STATUS-DRV-7'], why: 'features are frozen once FEATURES_OK is written' };
    case 'drv.writeConfig': return { ids: ['STATUS-DRV-6'], why: 'device config must not be written before FEATURES_OK' };
    case 'drv.queueSetup': return { ids: ['STATUS-DRV-5'], why: 'virtqueues are set up after FEATURES_OK is confirmed (step 7)' };
    default: {
      if (snap.context.legacy && snap.value === 'driver' && ev.value & STATUS.FEATURES_OK) {
        // The Version 1 (legacy) MMIO device offers no VERSION_1: a legacy device, which a transitional driver treats as one.
        return { ids: ['FEAT-DRV-9', 'STATUS-DRV-5'], why: 'a device that does not offer VERSION_1 is a legacy device, whose initialisation has no FEATURES_OK step (§2.2.3, §3.1.2)' };
      }
      if (snap.value === 'featuresOkUnconfirmed') return { ids: ['STATUS-DRV-8'], why: 'after setting FEATURES_OK the driver must read status back before going on' };
      if (snap.value === 'failed' || snap.value === 'featuresRejected') return { ids: ['STATUS-DRV-3', 'STATUS-DRV-9'], why: 'after FAILED or a refused FEATURES_OK only a reset may follow' };
      return { ids: ['STATUS-DRV-2', 'STATUS-DRV-5'], why: 'status bits are only added, one init step at a time (1, 3, 0xB, 0xF)' };
    }
  }
}

const stepDriver = memoStepper(driverStatusMachine);
const stepDevice = memoStepper(deviceStatusMachine);
const initialDriver = [false, true].map((legacy) => initialTransition(driverStatusMachine, { legacy })[0]);
const initialDevice = [false, true].map((legacy) => initialTransition(deviceStatusMachine, { legacy })[0]);

class StatusRun implements OracleRun {
  readonly violations: Violation[] = [];
  private drv: DriverSnap;
  private dev: DeviceSnap;
  private legacy: boolean;

  constructor(mmioVersion: 1 | 2, private readonly judgeDriver: boolean) {
    this.legacy = mmioVersion === 1;
    this.drv = initialDriver[this.legacy ? 1 : 0]!;
    this.dev = initialDevice[this.legacy ? 1 : 0]!;
  }

  private driver(ev: DriverStatusEvent, at: number): void {
    const before = this.drv;
    const { snapshot, accepted } = stepDriver(before, ev);
    if (!accepted && this.judgeDriver) {
      const { ids, why } = driverRequirements(ev, before);
      const what = ev.type === 'drv.writeStatus' ? `wrote Status=${formatStatus(ev.value)}` : ev.type === 'drv.kick' ? `kicked vq${ev.queue}` : ev.type.replace('drv.', '');
      this.fail(at, ids, `driver ${what} in state ${String(before.value)} (status ${formatStatus(before.context.status)})`, `The driver-role statechart does not accept this: ${why}.`);
    }
    this.drv = snapshot;
  }

  private device(ev: DeviceStatusEvent, at: number): void {
    const before = this.dev;
    const { snapshot, accepted } = stepDevice(before, ev);
    if (!accepted) {
      const what = ev.type === 'dev.storeStatus' ? `now holds Status=${formatStatus(ev.value)}` : ev.type === 'dev.activate' ? 'went live' : ev.type === 'dev.useBuffer' ? `used a buffer of vq${ev.queue}` : ev.type === 'dev.notifyUsed' ? `notified vq${ev.queue}` : ev.type.replace('dev.', '');
      this.fail(at, ['STATUS-DEV-1', 'STATUS-DEV-4'], `device ${what} in state ${String(before.value)} (status ${formatStatus(before.context.status)})`,
        'The device-role statechart does not accept this: a device is live only after a valid DRIVER_OK (with FEATURES_OK for a modern device), and holds only a status a conforming driver could have produced.');
    }
    this.dev = snapshot;
  }

  private fail(at: number, requirements: string[], summary: string, explanation: string): void {
    if (this.violations.length < 8) this.violations.push({ property: 'P-STATUS', requirements, at, summary, explanation });
  }

  onEvent(ev: ProtocolEvent, at: number): void {
    switch (ev.t) {
      case 'drv.writeStatus': this.driver({ type: 'drv.writeStatus', value: ev.value }, at); break;
      case 'drv.readStatus': this.driver({ type: 'drv.readStatus', value: ev.value }, at); break;
      case 'drv.kick': this.driver({ type: 'drv.kick', queue: ev.queue }, at); break;
      case 'drv.writeDriverFeatures': this.driver({ type: 'drv.writeDriverFeatures' }, at); break;
      case 'drv.writeConfig': this.driver({ type: 'drv.writeConfig' }, at); break;
      case 'drv.queueSetup': this.driver({ type: 'drv.queueSetup', queue: ev.queue }, at); break;
      case 'note':
        switch (ev.name) {
          case 'dev.status': this.device({ type: 'dev.storeStatus', value: Number(ev.data.value) }, at); break;
          case 'dev.activate': this.device({ type: 'dev.activate' }, at); break;
          case 'dev.reset': this.device({ type: 'dev.reset' }, at); break;
          case 'dev.popAvail': this.device({ type: 'dev.useBuffer', queue: Number(ev.data.q) }, at); break;
          case 'dev.isr':
            if (Number(ev.data.set) & 1) this.device({ type: 'dev.notifyUsed', queue: Number(ev.data.q) }, at);
            if (Number(ev.data.set) & 2) this.device({ type: 'dev.notifyConfig' }, at);
            break;
          default: break;
        }
        break;
      default: break;
    }
  }

  finish(end: ProtocolEvent, at: number): void {
    if (end.t !== 'quiescent') return;
    if (hasObligation(this.drv) && this.judgeDriver) {
      this.fail(at, ['STATUS-DRV-8'], `quiescent with the driver in ${String(this.drv.value)}`, 'The driver set FEATURES_OK but never read status back to confirm it.');
    }
    if (hasObligation(this.dev)) {
      this.fail(at, ['STATUS-DEV-2'], 'quiescent with DEVICE_NEEDS_RESET unannounced', 'A device that sets DEVICE_NEEDS_RESET after DRIVER_OK must send a configuration change notification.');
    }
  }
}

export const statusOracle: Oracle = {
  property: 'P-STATUS',
  description: 'device status follows the statechart for the driver and the device role',
  events: ['drv.kick', 'drv.queueSetup', 'drv.readStatus', 'drv.writeConfig', 'drv.writeDriverFeatures', 'drv.writeStatus', 'note'],
  notes: ['dev.status', 'dev.activate', 'dev.reset', 'dev.popAvail', 'dev.isr'],
  start: (ctx) => new StatusRun(ctx.mmioVersion, ctx.judgeDriver),
};

