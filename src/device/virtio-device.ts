// The transport-independent core of a device, after QEMU hw/virtio/virtio.c and the
// status/activation handling of Firecracker: status (§2.1), features (§2.2), queues,
// kicks (sync or ioeventfd-style), activation, reset (§2.4).

import { type Effect, type Process, note, wait } from '../kernel/index.ts';
import { STATUS } from '../../spec/facts/status-bits.ts';
import { VIRTIO_F, type FeatureSet, hasFeature, unmetDependency } from '../../spec/facts/feature-bits.ts';
import { DeviceLock } from './device-lock.ts';
import { DeviceVirtqueue } from './virtqueue.ts';
import type { DeviceQuirks } from './quirks.ts';
import { type DeviceErrorConfig, NO_DEVICE_ERROR } from './device-error.ts';

export type KickMode = 'sync' | 'async';

/** What the core asks of its transport: raise an interrupt, report events to the trace. */
export interface DeviceTransport {
  /** An atomic effect that sets the interrupt status and drives the line (or sends the vector). */
  notifyEffect(kind: 'vring' | 'config', queue: number): Effect;
  /** Record a note from inside a register handler. */
  emit(name: string, data: Record<string, number | string | boolean>): void;
  /** Transport part of a device reset (InterruptStatus, line). */
  resetTransport(): void;
}

export interface CoreOptions {
  readonly deviceId: number;
  readonly hostFeatures: FeatureSet;
  readonly queueCount: number;
  readonly queueNumMax: number;
  readonly indexWidth: number;
  readonly kicks: KickMode;
  readonly quirks: DeviceQuirks;
  /** Bits the device cannot work without: FEATURES_OK is refused unless all are accepted (mlx5_vdpa verify_min_features). */
  readonly requiredFeatures?: FeatureSet;
}

const CUMULATIVE_STEPS = [STATUS.ACKNOWLEDGE, STATUS.DRIVER, STATUS.FEATURES_OK, STATUS.DRIVER_OK];

export abstract class VirtioDeviceCore {
  status = 0;
  guestFeatures: FeatureSet = 0n;
  activated = false;
  /** ConfigGeneration (§4.2.2): changes whenever the config space changes. */
  configGeneration = 0;
  /** Async mode: DRIVER_OK was written; the worker activates the device (the activation window). */
  activationPending = false;
  readonly lock = new DeviceLock();
  readonly queues: DeviceVirtqueue[];
  /** ioeventfd state: a kick was written and not yet handled. */
  readonly kickPending: boolean[];
  transport!: DeviceTransport;

  constructor(readonly options: CoreOptions) {
    this.queues = Array.from({ length: options.queueCount },
      (_, i) => new DeviceVirtqueue(i, options.queueNumMax, options.indexWidth, () => this.eventIdx, options.quirks));
    this.kickPending = new Array(options.queueCount).fill(false);
  }

  get quirks(): DeviceQuirks {
    return this.options.quirks;
  }

  get eventIdx(): boolean {
    // BZ-KVT-04, kvmtool before 717a3ab0: `features & VIRTIO_RING_F_EVENT_IDX` (& 29: bits 0, 2, 3, 4).
    if (this.quirks.eventIdxBitAsMask) return (this.guestFeatures & BigInt(VIRTIO_F.EVENT_IDX)) !== 0n;
    if (this.quirks.eventIdxFromOffered) return hasFeature(this.options.hostFeatures, VIRTIO_F.EVENT_IDX); // the slip: offered, not negotiated
    return hasFeature(this.guestFeatures, VIRTIO_F.EVENT_IDX);
  }

  /** A legacy-only device (it does not offer VERSION_1): no FEATURES_OK step (§3.1.2). */
  get legacy(): boolean {
    return !hasFeature(this.options.hostFeatures, VIRTIO_F.VERSION_1);
  }

  /** Handle a kick of queue `q` with the device lock held (QEMU's handle_output). */
  protected abstract handleOutput(q: number): Process;
  /** Device-specific reset (drop backlog, stop backends). */
  protected abstract resetDevice(): void;

  /** A Status register write (§2.1.2, §3.1.1). May return work to run on the caller. */
  writeStatus(written: number): Process | undefined {
    const value = written & 0xff;
    const cur = this.status;
    if (value === 0) {
      this.transport.emit('dev.status', { value: 0 }); // the write is accepted: a reset request (§2.4.1)
      this.reset();
      return this.quirks.configIrqOnReset ? this.signalStatusChange() : undefined;
    }
    const next = this.quirks.statusNewBitOnly ? this.acceptNewBitOnly(cur, value) : this.acceptStrict(cur, value);
    if (next === undefined) {
      this.transport.emit('dev.statusIgnored', { value, status: cur });
      return undefined;
    }
    this.status = next;
    this.transport.emit('dev.status', { value: next });
    if (this.error.at === 'features' && (added(cur, next) & STATUS.FEATURES_OK) && !this.errorSpent) this.setNeedsReset('backend failed at FEATURES_OK'); // needs-reset
    if ((next & STATUS.DRIVER_OK) && !(cur & STATUS.DRIVER_OK) && !(next & STATUS.FAILED)) return this.startActivation();
    return undefined;
  }

  /**
   * Firecracker after 2e0b4abd: only the next cumulative value, FAILED, or a refused
   * FEATURES_OK is stored; anything else is ignored (status unchanged).
   */
  private acceptStrict(cur: number, value: number): number | undefined {
    if (value === (cur | STATUS.FAILED)) return value;
    if (cur & STATUS.FAILED) return undefined; // only a reset leaves FAILED (STATUS-DRV-3)
    const added = value & ~cur;
    if ((value & cur) !== cur || added === 0 || (added & (added - 1)) !== 0) return undefined;
    const legacyDriverOk = this.legacy && added === STATUS.DRIVER_OK && cur === (STATUS.ACKNOWLEDGE | STATUS.DRIVER);
    const expected = CUMULATIVE_STEPS.find((bit) => !(cur & bit));
    if (added !== expected && !legacyDriverOk) return undefined;
    // FEAT-DEV-2 / STATUS-DEV-5: leave FEATURES_OK clear (the quirk stores it anyway, against STATUS-DEV-5)
    if (added === STATUS.FEATURES_OK && !this.validateFeatures()) return this.quirks.keepRefusedFeaturesOk ? value : cur;
    return value;
  }

  /** BZ-FC-04: Firecracker before the fix matched `!old & new` and stored the written value. */
  private acceptNewBitOnly(cur: number, value: number): number | undefined {
    const added = value & ~cur;
    if (added === STATUS.ACKNOWLEDGE && cur === 0) return value;
    if (added === STATUS.DRIVER && cur === STATUS.ACKNOWLEDGE) return value;
    if (added === STATUS.FEATURES_OK && cur === (STATUS.ACKNOWLEDGE | STATUS.DRIVER)) return this.validateFeatures() ? value : cur;
    if (added === STATUS.DRIVER_OK && cur === (STATUS.ACKNOWLEDGE | STATUS.DRIVER | STATUS.FEATURES_OK)) return value;
    if (value & STATUS.FAILED) return cur | STATUS.FAILED;
    return undefined;
  }

  /**
   * FEATURES_OK: accept any valid subset of what was offered (§2.2.2, FEAT-DEV-2) — unless the
   * device cannot work without some bits (`requiredFeatures`): then it refuses (STATUS-DEV-5's MUST).
   */
  private validateFeatures(): boolean {
    const f = this.guestFeatures;
    const required = this.options.requiredFeatures ?? 0n;
    let ok = (f & ~this.options.hostFeatures) === 0n && unmetDependency(f) === undefined && (f & required) === required;
    this.transport.emit('dev.featuresOk', { accepted: ok || this.quirks.acceptInvalidFeatures, lo: Number(f & 0xffffffffn), hi: Number(f >> 32n) });
    if (!ok && this.quirks.acceptInvalidFeatures) {
      // Firecracker `ack_features`: "Received acknowledge request for unknown feature" — the bit
      // is dropped with a warning and FEATURES_OK stays set; the driver believes it has the bit.
      this.guestFeatures = f & this.options.hostFeatures;
      ok = true;
    }
    return ok;
  }

  writeDriverFeatures(sel: number, value: number): void {
    if (this.status & STATUS.FEATURES_OK || sel > 1) return; // features are frozen after FEATURES_OK
    const shift = BigInt(32 * sel);
    this.guestFeatures = (this.guestFeatures & ~(0xffffffffn << shift)) | (BigInt(value >>> 0) << shift);
    // A legacy device has no FEATURES_OK: what the driver writes is in force at once.
    if (this.legacy) this.transport.emit('dev.features', { lo: Number(this.guestFeatures & 0xffffffffn), hi: Number(this.guestFeatures >> 32n) });
  }

  readDeviceFeatures(sel: number): number {
    return sel > 1 ? 0 : Number((this.options.hostFeatures >> BigInt(32 * sel)) & 0xffffffffn);
  }

  private startActivation(): Process | undefined {
    if (this.options.kicks === 'async') {
      this.activationPending = true; // the worker activates later: the DRIVER_OK→activation window
      return undefined;
    }
    if (!this.tryActivate()) return this.underLock('vcpu', this.announceNeedsReset()); // needs-reset: Firecracker triggers it in the write handler
    return this.underLock('vcpu', this.runPendingKicks());
  }

  protected activate(): void {
    this.activationPending = false;
    this.activated = true;
    this.transport.emit('dev.activate', {});
    if (this.quirks.dropKicksBeforeActivation) return; // BZ-FC-01: no re-notify after activation
    // Firecracker 0899ee51: notify every queue after activation, so a kick that came in the
    // DRIVER_OK→activation window is handled (the driver will not kick again under EVENT_IDX).
    for (let q = 0; q < this.queues.length; q++) if (this.queues[q]!.ready) this.kickPending[q] = true;
  }

  /** A QueueNotify write (§4.2.3.3). Sync: handle it on the vCPU now; async: signal the ioeventfd. */
  queueNotify(q: number): Process | undefined {
    const vq = this.queues[q];
    if (!vq || !vq.ready) {
      this.transport.emit('dev.kickIgnored', { q, reason: vq ? 'queue not ready' : 'no such queue' });
      return undefined;
    }
    this.kickPending[q] = true;
    if (this.options.kicks === 'async' || !this.activated) return undefined;
    return this.underLock('vcpu', this.runPendingKicks());
  }

  private *runPendingKicks(): Process {
    for (let q = 0; q < this.queues.length; q++) {
      if (!this.kickPending[q]) continue;
      this.kickPending[q] = false;
      yield* this.handleOutput(q);
    }
  }

  /** Work that a register handler hands to the vCPU: it holds the device lock throughout. */
  private *underLock(who: string, body: Process): Process {
    this.lock.take(who);
    yield* body;
    yield* this.lock.release(who);
  }

  /** The ioeventfd worker (async kicks): activation and kicks, one at a time, under the lock. */
  *iothread(): Process {
    const work = wait(() => this.lock.free && (this.activationPending || (this.kickPending.some(Boolean) && (this.activated || this.quirks.dropKicksBeforeActivation))), 'dev.iothread.wait');
    for (;;) {
      yield work;
      this.lock.take('iothread');
      if (!this.activated && this.kickPending.some(Boolean) && this.quirks.dropKicksBeforeActivation) {
        // BZ-FC-01: an inactive device treats the eventfd as spurious and drains it.
        const q = this.kickPending.indexOf(true);
        this.kickPending[q] = false;
        yield note('dev.kickDropped', { q });
      } else if (this.activationPending) {
        if (!this.tryActivate()) yield* this.announceNeedsReset(); // needs-reset
      } else {
        yield* this.runPendingKicks();
      }
      yield* this.lock.release('iothread');
    }
  }

  /** `virtio_notify`: interrupt the driver if suppression allows (NOTIF-DEV-2/4). */
  protected *notify(vq: DeviceVirtqueue): Process {
    const needed = yield* vq.shouldNotify(this.quirks.shouldNotifyFence);
    if (this.quirks.notifyOncePerBatch) {
      // The mutant: remember only the latest verdict, though each check moved signalled_used.
      vq.batchNotify = needed;
      return;
    }
    if (needed) yield this.transport.notifyEffect('vring', vq.index);
  }

  /** End of a batch of pushes: the once-per-batch mutant notifies here, on its last check's verdict. */
  protected *endBatch(vq: DeviceVirtqueue): Process {
    if (!vq.batchNotify) return;
    vq.batchNotify = false;
    yield this.transport.notifyEffect('vring', vq.index);
  }

  /** The configIrqOnReset slip: a config-change interrupt for the new status, 0 included. */
  private *signalStatusChange(): Process {
    yield this.transport.notifyEffect('config', -1);
  }

  /** Device reset (§2.4.1, MMIO-DEV-4): status 0, queues and interrupt status cleared. */
  reset(): void {
    this.status = this.quirks.resetKeepsNeedsReset ? this.status & STATUS.DEVICE_NEEDS_RESET : 0; // the slip keeps the error bit
    this.guestFeatures = 0n;
    this.activated = false;
    this.activationPending = false;
    this.failed = false; // needs-reset: the error was transient; a reset clears it
    this.needsResetUnannounced = false;
    for (const vq of this.queues) vq.reset();
    this.kickPending.fill(false);
    this.resetDevice();
    this.transport.resetTransport();
    this.transport.emit('dev.reset', {});
  }

  // --- needs-reset (§2.1.2) ---
  /** Where the device meets its one error (device-error.ts); the simulation sets it. */
  error: DeviceErrorConfig = NO_DEVICE_ERROR;
  /** The error was met (once per simulation: a reset brings back a working device). */
  private errorSpent = false;
  /** Buffers taken from any queue, counted for the 'backend' error. */
  private buffersTaken = 0;
  /** DEVICE_NEEDS_RESET is set: the device starts no new batch of work until reset. */
  failed = false;
  /** DEVICE_NEEDS_RESET was set with DRIVER_OK and the configuration-change notification is still owed (STATUS-DEV-2). */
  private needsResetUnannounced = false;

  /**
   * Activation at DRIVER_OK (Firecracker `set_device_status`): it fails on a broken backend
   * or for the 'activation' error; then the status keeps DRIVER_OK and gains DEVICE_NEEDS_RESET.
   */
  private tryActivate(): boolean {
    if (this.failed || (this.error.at === 'activation' && !this.errorSpent)) {
      this.activationPending = false;
      this.setNeedsReset('activation failed');
      return false;
    }
    this.activate();
    return true;
  }

  /** The backend took a buffer: the 'backend' error strikes at the configured one (the device finishes its batch). */
  protected tookBuffer(): void {
    if (this.error.at !== 'backend' || this.errorSpent) return;
    if (++this.buffersTaken === this.error.afterBuffers) this.setNeedsReset('backend failed');
  }

  /**
   * §2.1.2: "The device SHOULD set DEVICE_NEEDS_RESET when it enters an error state that a
   * reset is needed. If DRIVER_OK is set, after it sets DEVICE_NEEDS_RESET, the device MUST
   * send a device configuration change notification to the driver" — owed from here on.
   */
  private setNeedsReset(reason: string): void {
    this.errorSpent = true;
    this.failed = true;
    this.status |= STATUS.DEVICE_NEEDS_RESET;
    this.transport.emit('dev.needsReset', { status: this.status, reason });
    // The mutant forgets the notification (against STATUS-DEV-2).
    this.needsResetUnannounced = (this.status & STATUS.DRIVER_OK) !== 0 && !this.quirks.needsResetSilent;
  }

  /** The owed configuration-change notification (InterruptStatus bit 1, §4.2.2), if any. */
  protected *announceNeedsReset(): Process {
    if (!this.needsResetUnannounced) return;
    this.needsResetUnannounced = false;
    yield this.transport.notifyEffect('config', -1);
  }
  // --- end needs-reset ---
}

/** The bits `next` has that `cur` has not. */
function added(cur: number, next: number): number {
  return next & ~cur;
}
