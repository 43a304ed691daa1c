// P-STATUS: the device status statecharts (models/device-status-*.machine.ts) for both
// roles, fed from the trace: driver writes/reads/kicks, device stores/activation/use.
// An event the current state does not accept is a violation. §2.1, §2.4, §3.1.1.

import { initialTransition, type SnapshotFrom } from 'xstate';
import { driverStatusMachine, deviceStatusMachine, memoStepper, hasObligation, type DriverStatusEvent, type DeviceStatusEvent } from '../../models/index.ts';
import { STATUS, formatStatus } from '../../spec/facts/status-bits.ts';
import type { Oracle, OracleRun, Violation } from './types.ts';
import type { ProtocolEvent } from './decode.ts';
import type { RingView } from './ring-view.ts';

type DriverSnap = SnapshotFrom<typeof driverStatusMachine>;
type DeviceSnap = SnapshotFrom<typeof deviceStatusMachine>;

function driverRequirements(ev: DriverStatusEvent, snap: DriverSnap): { ids: string[]; why: string } {
  // After a refused FEATURES_OK nothing may go on (STATUS-DRV-9); after FAILED only a reset (STATUS-DRV-3).
  if (snap.value === 'featuresRejected') return { ids: ['STATUS-DRV-9'], why: 'the device refused FEATURES_OK: the driver must not go on initialising (FAILED or a reset only)' };
  if (snap.value === 'failed') return { ids: ['STATUS-DRV-3'], why: 'after FAILED only a reset may precede a new initialisation attempt' };
  switch (ev.type) {
    case 'drv.kick': return { ids: ['STATUS-DRV-10'], why: 'a driver must not notify the device before DRIVER_OK' };
    case 'drv.writeDriverFeatures': return { ids: ['STATUS-DRV-7'], why: 'features are frozen once FEATURES_OK is written' };
    case 'drv.writeConfig': return { ids: ['STATUS-DRV-6'], why: 'device config must not be written before FEATURES_OK' };
    case 'drv.queueSetup': return snap.value === 'driverOk'
      ? { ids: ['STATUS-DRV-5'], why: 'virtqueues are set up in step 7, before DRIVER_OK; enabling one on a live device needs VIRTIO_F_RING_RESET (§2.6.1)' }
      : { ids: ['STATUS-DRV-5'], why: 'virtqueues are set up after FEATURES_OK is confirmed (step 7)' };
    default: {
      if (snap.context.legacy && snap.value === 'driver' && ev.value & STATUS.FEATURES_OK) {
        // The Version 1 (legacy) MMIO device offers no VERSION_1: a legacy device, which a transitional driver treats as one.
        return { ids: ['FEAT-DRV-9', 'STATUS-DRV-5'], why: 'a device that does not offer VERSION_1 is a legacy device, whose initialisation has no FEATURES_OK step (§2.2.3, §3.1.2)' };
      }
      if (snap.value === 'featuresOkUnconfirmed') return { ids: ['STATUS-DRV-8'], why: 'after setting FEATURES_OK the driver must read status back before going on' };
      if (ev.type === 'drv.writeStatus') {
        const held = snap.context.status & ~STATUS.DEVICE_NEEDS_RESET;
        const added = ev.value & ~held;
        if ((ev.value & held) !== held) return { ids: ['STATUS-DRV-2', 'STATUS-DRV-5'], why: `it clears ${formatStatus(held & ~ev.value)}: status bits are never cleared but by a reset (writing 0)` };
        if ((added & (added - 1)) !== 0) return { ids: ['STATUS-DRV-1', 'STATUS-DRV-5'], why: `it sets ${formatStatus(added)} at once: each bit is set as its own step of the sequence completes` };
      }
      return { ids: ['STATUS-DRV-5'], why: 'status bits are only added, one init step at a time (1, 3, 0xB, 0xF)' };
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

  // --- needs-reset ---
  /** The driver has read DEVICE_NEEDS_RESET since it last reset the device or set FAILED (STATUS-DRV-4). */
  private sawNeedsResetAt = -1;
  /** Per ready queue: the last avail.idx the driver stored (a fresh ring starts at 0). */
  private readonly availIdxStored = new Map<number, number>();
  // --- end needs-reset ---

  /** The device noted a completed reset and the driver has not read or written Status since (STATUS-DEV-3). */
  private resetShown = false;

  constructor(mmioVersion: 1 | 2, private readonly judgeDriver: boolean, private readonly rings: RingView, private readonly mmio: boolean) {
    this.legacy = mmioVersion === 1;
    this.drv = initialDriver[this.legacy ? 1 : 0]!;
    this.dev = initialDevice[this.legacy ? 1 : 0]!;
  }

  private driver(ev: DriverStatusEvent, at: number): void {
    const before = this.drv;
    const { snapshot, accepted } = stepDriver(before, ev);
    if (!accepted && this.judgeDriver) {
      const found = driverRequirements(ev, before);
      const why = found.why;
      // §4.2.3.1.1: an MMIO driver follows the generic sequence (MMIO-DRV-15), so breaking its order breaks both.
      const ids = this.mmio && found.ids.includes('STATUS-DRV-5') ? [...found.ids, 'MMIO-DRV-15'] : found.ids;
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
      // After a reset (status 0) nothing but a new initialisation may follow (STATUS-DEV-4); before DRIVER_OK, no queue work (STATUS-DEV-1).
      const ids = before.value === 'reset' && ev.type !== 'dev.storeStatus' ? ['STATUS-DEV-4'] : ['STATUS-DEV-1', 'STATUS-DEV-4'];
      this.fail(at, ids, `device ${what} in state ${String(before.value)} (status ${formatStatus(before.context.status)})`,
        'The device-role statechart does not accept this: a device is live only after a valid DRIVER_OK (with FEATURES_OK for a modern device), sends nothing once reset until the driver initialises it again, and holds only a status a conforming driver could have produced.');
    }
    this.dev = snapshot;
  }

  private fail(at: number, requirements: string[], summary: string, explanation: string): void {
    if (this.violations.length < 8) this.violations.push({ property: 'P-STATUS', requirements, at, summary, explanation });
  }

  onEvent(ev: ProtocolEvent, at: number): void {
    switch (ev.t) {
      case 'drv.writeStatus':
        this.resetShown = false;
        if (ev.value === 0 || (ev.value & STATUS.FAILED) !== 0) this.sawNeedsResetAt = -1; // recovered by reset, or gave up (STATUS-DRV-4)
        this.driver({ type: 'drv.writeStatus', value: ev.value }, at);
        break;
      case 'drv.readStatus':
        if (this.resetShown && ev.value !== 0) {
          this.fail(at, ['STATUS-DEV-3'], `Status read 0x${ev.value.toString(16)} after the device reset`,
            'Let the driver write 0 and the device complete its reset. Then Status must read 0 (§2.4.1) until the driver sets a bit again. However it still shows bits of the old life, so a driver waiting for 0 waits for ever.');
        }
        this.resetShown = false;
        if ((ev.value & STATUS.DEVICE_NEEDS_RESET) !== 0 && this.sawNeedsResetAt < 0) this.sawNeedsResetAt = at;
        this.driver({ type: 'drv.readStatus', value: ev.value }, at);
        break;
      case 'mem.store': if (ev.side === 'drv') this.driverRingStore(ev.value, at); break;
      case 'drv.kick': this.driver({ type: 'drv.kick', queue: ev.queue }, at); break;
      case 'drv.writeDriverFeatures': this.driver({ type: 'drv.writeDriverFeatures' }, at); break;
      case 'drv.writeConfig': this.driver({ type: 'drv.writeConfig' }, at); break;
      case 'drv.queueSetup': this.driver({ type: 'drv.queueSetup', queue: ev.queue }, at); break;
      case 'note':
        switch (ev.name) {
          case 'dev.status': this.device({ type: 'dev.storeStatus', value: Number(ev.data.value) }, at); break;
          case 'dev.activate': this.device({ type: 'dev.activate' }, at); break;
          case 'dev.reset': this.resetShown = true; this.availIdxStored.clear(); this.device({ type: 'dev.reset' }, at); break;
          case 'dev.needsReset': this.device({ type: 'dev.setNeedsReset' }, at); break;
          case 'dev.queueReady': this.availIdxStored.delete(Number(ev.data.q)); break;
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

  /**
   * STATUS-DRV-13 (§3.3.1): "A driver MUST NOT alter virtqueue entries for exposed buffers,
   * i.e., buffers which have been made available to the device (and not been used by the
   * device) of a live virtqueue." Moving avail.idx back (virtqueue_detach_unused_buf's
   * `avail->idx = --avail_idx_shadow`) takes exposed entries back; a ring-field store is seen
   * only for ready queues of a device not reset since (the ring view drops them at reset).
   */
  private driverRingStore(value: number, at: number): void {
    const field = this.rings.current;
    if (field === undefined || field.field !== 'availIdx' || !this.judgeDriver) return;
    const rings = this.rings.queues.get(field.q);
    if (!rings) return;
    const last = this.availIdxStored.get(field.q) ?? 0;
    this.availIdxStored.set(field.q, value);
    const back = (last - value) & rings.mask;
    if (back === 0 || back > rings.num) return; // forward (or a hostile jump of more than a ring: P-WRAP's)
    this.fail(at, ['STATUS-DRV-13'], `driver moved avail.idx of live vq${field.q} back from ${last} to ${value}`,
      `Let the driver make buffers available on vq${field.q} up to avail.idx=${last}. Then ${back} of them are exposed: the device may read their entries at any time. ` +
      'However the driver takes them back while the queue is live; it must first reset the device so that no queue is live, and only then reclaim them.');
  }

  finish(end: ProtocolEvent, at: number): void {
    if (end.t !== 'quiescent') return;
    if (this.sawNeedsResetAt >= 0 && this.judgeDriver) {
      this.fail(at, ['STATUS-DRV-4'], `quiescent with DEVICE_NEEDS_RESET read at #${this.sawNeedsResetAt} and no reset since`,
        'The driver read DEVICE_NEEDS_RESET, then waited on the device anyway: it must not rely on a device that needs a reset to complete anything — recover by resetting it (or give up: FAILED).');
    }
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
  events: ['drv.kick', 'drv.queueSetup', 'drv.readStatus', 'drv.writeConfig', 'drv.writeDriverFeatures', 'drv.writeStatus', 'mem.store', 'note'],
  notes: ['dev.status', 'dev.activate', 'dev.reset', 'dev.popAvail', 'dev.isr', 'dev.needsReset', 'dev.queueReady'],
  memory: 'ring-fields', // avail.idx stores only (STATUS-DRV-13)
  start: (ctx, shared) => new StatusRun(ctx.mmioVersion, ctx.judgeDriver, shared.rings, ctx.transport !== 'pci'),
};

