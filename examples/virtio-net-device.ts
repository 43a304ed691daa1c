// A minimal virtio-net device (one rx/tx pair, virtio-mmio Version 2, one interrupt line)
// written against the device API, in the shape of QEMU's hw/virtio/virtio-mmio.c +
// hw/net/virtio-net.c: register handlers under the device lock, a worker thread that
// handles kicks (ioeventfd style) and receives from the backend, a backend peer thread.
//
//   npx virtio-conform run --device examples/virtio-net-device.ts --variant mmio-v2

import {
  type DeviceFactory, type DeviceImplementation, type DevicePlatform, type Process, type AccessSize,
  DeviceLock, DeviceNotes, MmioInterruptStatus, SplitVirtqueue, MMIO, MMIO_MAGIC, MMIO_VENDOR_QEMU, STATUS, VIRTIO_F,
  featureMask, hasFeature, load, note, store, wait,
} from '../src/index.ts';

export interface ExampleNetOptions {
  /** Re-check the ring after re-enabling notifications before going to sleep (NOTIF-DEV-8). */
  readonly recheck: boolean;
}

const RX = 0;
const TX = 1;

class ExampleNetDevice implements DeviceImplementation {
  private status = 0;
  private guestFeatures = 0n;
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  private queueSel = 0;
  private activated = false;
  private readonly hostFeatures: bigint;
  private readonly lock = new DeviceLock();
  private readonly isr: MmioInterruptStatus;
  private readonly vqs: SplitVirtqueue[];
  private readonly kick = [false, false];
  /** Packets from the backend not yet placed in an rx buffer. */
  private readonly backlog: number[] = [];
  /** No rx buffer was there (notifications re-enabled): wait for the driver's rx kick. */
  private rxWaiting = false;

  constructor(private readonly platform: DevicePlatform, private readonly opts: ExampleNetOptions) {
    const c = platform.config;
    if (c.version !== 2) throw new Error('this example implements virtio-mmio Version 2 only');
    if (c.lines !== 1) throw new Error('this example drives one interrupt line');
    this.hostFeatures = featureMask(VIRTIO_F.VERSION_1) | (c.eventIdx ? featureMask(VIRTIO_F.EVENT_IDX) : 0n);
    this.isr = new MmioInterruptStatus(platform);
    const eventIdx = () => hasFeature(this.guestFeatures, VIRTIO_F.EVENT_IDX);
    this.vqs = [RX, TX].map((i) => new SplitVirtqueue(i, c.queueNumMax, c.indexWidth, eventIdx));
  }

  accessible(): boolean {
    return this.lock.free; // the worker and the peer hold it across their steps (QEMU's BQL)
  }

  read(off: number, _size: AccessSize): number {
    const vq = this.vqs[this.queueSel];
    switch (off) {
      case MMIO.MagicValue: return MMIO_MAGIC;
      case MMIO.Version: return 2;
      case MMIO.DeviceID: return 1; // network card
      case MMIO.VendorID: return MMIO_VENDOR_QEMU;
      case MMIO.DeviceFeatures: return this.deviceFeaturesSel > 1 ? 0 : Number((this.hostFeatures >> BigInt(32 * this.deviceFeaturesSel)) & 0xffffffffn);
      case MMIO.QueueSizeMax: return vq ? vq.numMax : 0;
      case MMIO.QueueReady: return vq?.ready ? 1 : 0;
      case MMIO.InterruptStatus: return this.isr.value;
      case MMIO.Status: return this.status;
      case MMIO.ConfigGeneration: return 0;
      default: return 0;
    }
  }

  write(off: number, _size: AccessSize, value: number): Process | undefined {
    const vq = this.vqs[this.queueSel];
    switch (off) {
      case MMIO.DeviceFeaturesSel: this.deviceFeaturesSel = value; break;
      case MMIO.DriverFeaturesSel: this.driverFeaturesSel = value; break;
      case MMIO.DriverFeatures: {
        if (this.status & STATUS.FEATURES_OK || this.driverFeaturesSel > 1) break;
        const shift = BigInt(32 * this.driverFeaturesSel);
        this.guestFeatures = (this.guestFeatures & ~(0xffffffffn << shift)) | (BigInt(value >>> 0) << shift);
        break;
      }
      case MMIO.QueueSel: this.queueSel = value; break;
      case MMIO.QueueSize: if (vq && !vq.ready) vq.num = value; break;
      case MMIO.QueueDescLow: if (vq && !vq.ready) vq.desc = value >>> 0; break;
      case MMIO.QueueDriverLow: if (vq && !vq.ready) vq.avail = value >>> 0; break;
      case MMIO.QueueDeviceLow: if (vq && !vq.ready) vq.used = value >>> 0; break;
      case MMIO.QueueReady:
        if (vq) {
          vq.ready = value === 1;
          this.platform.note(...DeviceNotes.queueReady(vq.index, vq.ready, { num: vq.num, desc: vq.desc, avail: vq.avail, used: vq.used, width: vq.width }));
        }
        break;
      case MMIO.QueueNotify: if (this.vqs[value]?.ready) this.kick[value] = true; break; // the worker handles it
      case MMIO.InterruptACK: this.isr.ack(value); break;
      case MMIO.Status: this.writeStatus(value & 0xff); break;
      default: break;
    }
    return undefined;
  }

  /**
   * Status (§2.1.2, §3.1.1): only the next step of the init sequence (ACKNOWLEDGE, DRIVER,
   * FEATURES_OK, DRIVER_OK, each keeping the ones before) or FAILED is accepted; anything
   * else is ignored, as Firecracker does.
   */
  private writeStatus(value: number): void {
    if (value === 0) return this.reset();
    const added = value & ~this.status;
    const nextStep = [STATUS.ACKNOWLEDGE, STATUS.DRIVER, STATUS.FEATURES_OK, STATUS.DRIVER_OK].find((bit) => !(this.status & bit));
    const failed = value === (this.status | STATUS.FAILED);
    if (!failed && ((this.status & STATUS.FAILED) || (value & this.status) !== this.status || added !== nextStep)) return;
    let next = value;
    if (added & STATUS.FEATURES_OK) {
      const ok = (this.guestFeatures & ~this.hostFeatures) === 0n;
      this.platform.note(...DeviceNotes.featuresOk(ok, this.guestFeatures));
      if (!ok) next &= ~STATUS.FEATURES_OK; // the driver reads it back and gives up
    }
    this.status = next;
    this.platform.note(...DeviceNotes.status(next));
    if (added & STATUS.DRIVER_OK && !this.activated) {
      this.activated = true;
      this.platform.note(...DeviceNotes.activate());
      this.platform.note(...DeviceNotes.backlog(RX, this.backlog.length));
    }
  }

  private reset(): void {
    this.status = 0;
    this.guestFeatures = 0n;
    this.activated = false;
    this.rxWaiting = false;
    this.kick.fill(false);
    for (const vq of this.vqs) vq.reset();
    this.isr.reset();
    this.platform.note(...DeviceNotes.reset());
  }

  *threads(): Iterable<readonly [string, Process]> {
    yield ['dev.worker', this.worker()];
    yield ['net.peer', this.peer()];
  }

  /** The iothread: a kick or a received packet wakes it; it works under the lock. */
  private *worker(): Process {
    const work = wait(() => this.lock.free && this.activated && (this.kick[RX] || this.kick[TX] || (this.backlog.length > 0 && this.vqs[RX]!.ready && !this.rxWaiting)), 'dev.worker.wait');
    for (;;) {
      yield work;
      this.lock.take('dev.worker');
      if (this.kick[TX]) { this.kick[TX] = false; yield* this.flushTx(); }
      if (this.kick[RX]) { this.kick[RX] = false; this.rxWaiting = false; }
      yield* this.receive();
      yield* this.lock.release('dev.worker');
    }
  }

  /** virtio_net_flush_tx: suppress kicks, drain, re-enable — and re-check, or a buffer added meanwhile waits forever. */
  private *flushTx(): Process {
    const vq = this.vqs[TX]!;
    for (;;) {
      yield* vq.setNotification(false);
      for (let elem = yield* vq.pop(); elem; elem = yield* vq.pop()) {
        const seq = yield load(elem.addr, 4, 'dev.tx.load_packet');
        yield note(...DeviceNotes.txPacket(TX, seq));
        yield* vq.push(elem, 0);
        if (yield* vq.shouldNotify('full')) yield this.isr.raiseEffect('vring', TX);
      }
      yield* vq.setNotification(true);
      if (!this.opts.recheck || (yield* vq.empty())) return; // NOTIF-DEV-8
    }
  }

  /** virtio_net_receive for each waiting packet while rx buffers last. */
  private *receive(): Process {
    const vq = this.vqs[RX]!;
    while (this.backlog.length > 0 && vq.ready) {
      if (!(yield* this.hasBuffers(vq))) { this.rxWaiting = true; return; }
      const elem = yield* vq.pop();
      if (!elem) return;
      const seq = this.backlog.shift()!;
      yield note(...DeviceNotes.backlog(RX, this.backlog.length));
      yield store(elem.addr, 4, seq, 'dev.rx.store_packet');
      yield note(...DeviceNotes.rxPacket(RX, seq));
      yield* vq.push(elem, 4);
      if (yield* vq.shouldNotify('full')) yield this.isr.raiseEffect('vring', RX);
    }
  }

  /** virtio_net_has_buffers: enable notifications and re-check before giving up. */
  private *hasBuffers(vq: SplitVirtqueue): Process<boolean> {
    if (yield* vq.empty()) {
      yield* vq.setNotification(true);
      if (!this.opts.recheck || (yield* vq.empty())) return false;
    }
    yield* vq.setNotification(false);
    return true;
  }

  /** The backend (a tap): one packet at a time, under the lock. */
  private *peer(): Process {
    for (let seq = 1; seq <= this.platform.config.rxPackets; seq++) {
      yield* this.lock.acquire('net.peer');
      this.backlog.push(seq);
      yield note(...DeviceNotes.backlog(RX, this.backlog.length));
      yield* this.lock.release('net.peer');
    }
  }
}

/** A factory for the example device; `recheck: false` is the deliberately buggy copy. */
export function createNetDevice(opts: ExampleNetOptions = { recheck: true }): DeviceFactory {
  return (platform) => new ExampleNetDevice(platform, opts);
}

export default createNetDevice();
