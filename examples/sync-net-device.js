// A virtio-net device written the way many VMMs write one: a plain object whose register
// handlers touch guest memory synchronously (a QueueNotify is handled inside the write,
// as QEMU without ioeventfd or a single-threaded VMM does), plugged in through the coarse
// adapter `fromSynchronousDevice`: each call runs as one atomic step.
//
//   npx virtio-conform run --device examples/sync-net-device.js --variant mmio-v2
//
// Plain JavaScript on purpose: nothing here needs the simulator's types. It offers only
// VERSION_1 (flag-based suppression): with every call atomic, no re-check race exists.

import {
  fromSynchronousDevice, DeviceNotes, MMIO, MMIO_MAGIC, MMIO_VENDOR_QEMU, MMIO_INT, STATUS, VIRTIO_F,
  VIRTQ_AVAIL_F_NO_INTERRUPT, splitRing,
} from '../src/index.ts';

const RX = 0;
const TX = 1;

class Queue {
  constructor(index, numMax, width) {
    this.index = index;
    this.numMax = numMax;
    this.mask = (1 << width) - 1;
    this.width = width;
    this.reset();
  }
  reset() {
    this.num = 0; this.desc = 0; this.avail = 0; this.used = 0; this.ready = false;
    this.lastAvail = 0; this.usedIdx = 0; this.broken = false;
  }
}

class SyncNetDevice {
  constructor(host) {
    if (host.config.version !== 2) throw new Error('this example implements virtio-mmio Version 2 only');
    if (host.config.lines !== 1) throw new Error('this example drives one interrupt line');
    this.host = host;
    this.mem = host.memory;
    this.hostFeatures = 1n << BigInt(VIRTIO_F.VERSION_1);
    this.queues = [RX, TX].map((i) => new Queue(i, host.config.queueNumMax, host.config.indexWidth));
    this.nextSeq = 1; // the backend's next packet for the guest
    this.status = 0; this.guestFeatures = 0n; this.isr = 0;
    this.deviceFeaturesSel = 0; this.driverFeaturesSel = 0; this.queueSel = 0;
    this.activated = false; this.rxWaiting = false;
  }

  get pending() { return this.host.config.rxPackets - this.nextSeq + 1; }

  read(off) {
    const vq = this.queues[this.queueSel];
    switch (off) {
      case MMIO.MagicValue: return MMIO_MAGIC;
      case MMIO.Version: return 2;
      case MMIO.DeviceID: return 1;
      case MMIO.VendorID: return MMIO_VENDOR_QEMU;
      case MMIO.DeviceFeatures: return this.deviceFeaturesSel > 1 ? 0 : Number((this.hostFeatures >> BigInt(32 * this.deviceFeaturesSel)) & 0xffffffffn);
      case MMIO.QueueSizeMax: return vq ? vq.numMax : 0;
      case MMIO.QueueReady: return vq && vq.ready ? 1 : 0;
      case MMIO.InterruptStatus: return this.isr;
      case MMIO.Status: return this.status;
      default: return 0;
    }
  }

  write(off, _size, value) {
    const vq = this.queues[this.queueSel];
    switch (off) {
      case MMIO.DeviceFeaturesSel: this.deviceFeaturesSel = value; break;
      case MMIO.DriverFeaturesSel: this.driverFeaturesSel = value; break;
      case MMIO.DriverFeatures:
        if (!(this.status & STATUS.FEATURES_OK) && this.driverFeaturesSel <= 1) {
          const shift = BigInt(32 * this.driverFeaturesSel);
          this.guestFeatures = (this.guestFeatures & ~(0xffffffffn << shift)) | (BigInt(value >>> 0) << shift);
        }
        break;
      case MMIO.QueueSel: this.queueSel = value; break;
      case MMIO.QueueSize: if (vq && !vq.ready) vq.num = value; break;
      case MMIO.QueueDescLow: if (vq && !vq.ready) vq.desc = value >>> 0; break;
      case MMIO.QueueDriverLow: if (vq && !vq.ready) vq.avail = value >>> 0; break;
      case MMIO.QueueDeviceLow: if (vq && !vq.ready) vq.used = value >>> 0; break;
      case MMIO.QueueReady:
        if (vq) {
          vq.ready = value === 1;
          this.host.note(...DeviceNotes.queueReady(vq.index, vq.ready, { num: vq.num, desc: vq.desc, avail: vq.avail, used: vq.used, width: vq.width }));
        }
        break;
      case MMIO.QueueNotify:
        if (value === TX) this.flushTx();
        else if (value === RX) this.rxWaiting = false; // refilled: poll() delivers again
        break;
      case MMIO.InterruptACK:
        this.isr &= ~value;
        this.host.note(...DeviceNotes.isr(this.isr, 0, -1, -1));
        this.host.setIrq(this.host.irqBase, this.isr ? 1 : 0);
        break;
      case MMIO.Status: this.writeStatus(value & 0xff); break;
      default: break;
    }
  }

  writeStatus(value) {
    if (value === 0) {
      this.status = 0; this.guestFeatures = 0n; this.activated = false; this.rxWaiting = false;
      for (const q of this.queues) q.reset();
      this.isr = 0;
      this.host.note(...DeviceNotes.isr(0, 0, -1, -1));
      this.host.setIrq(this.host.irqBase, 0);
      this.host.note(...DeviceNotes.reset());
      return;
    }
    // Only the next step of the init sequence, each keeping the ones before, or FAILED (§3.1.1).
    const added = value & ~this.status;
    const nextStep = [STATUS.ACKNOWLEDGE, STATUS.DRIVER, STATUS.FEATURES_OK, STATUS.DRIVER_OK].find((bit) => !(this.status & bit));
    const failed = value === (this.status | STATUS.FAILED);
    if (!failed && ((this.status & STATUS.FAILED) || (value & this.status) !== this.status || added !== nextStep)) return;
    let next = value;
    if (added & STATUS.FEATURES_OK) {
      const ok = (this.guestFeatures & ~this.hostFeatures) === 0n;
      this.host.note(...DeviceNotes.featuresOk(ok, this.guestFeatures));
      if (!ok) next &= ~STATUS.FEATURES_OK;
    }
    this.status = next;
    this.host.note(...DeviceNotes.status(next));
    if (added & STATUS.DRIVER_OK && !this.activated) {
      this.activated = true;
      this.host.note(...DeviceNotes.activate());
      this.host.note(...DeviceNotes.backlog(RX, this.pending));
      this.flushTx(); // a kick before activation is served now
    }
  }

  /** Take the next available head, or -1. */
  pop(q) {
    if (!q.ready) return -1;
    if (q.broken) return -1;
    const availIdx = this.mem.read(splitRing.availIdx(q.avail), 2);
    const heads = (availIdx - q.lastAvail) & q.mask;
    if (heads === 0) return -1;
    if (heads > q.num) {
      // §2.7.13.3: an avail.idx more than a ring ahead is the driver's error; never loop over the ring.
      q.broken = true;
      this.host.note('dev.error', { q: q.index, reason: 'avail index more than a ring ahead', availIdx, next: q.lastAvail });
      return -1;
    }
    const head = this.mem.read(splitRing.availRing(q.avail, q.num, q.lastAvail), 2);
    q.lastAvail = (q.lastAvail + 1) & q.mask;
    this.host.note(...DeviceNotes.popAvail(q.index, head, q.lastAvail));
    return head;
  }

  push(q, head, len) {
    this.mem.write(splitRing.usedElemId(q.used, q.num, q.usedIdx), 4, head);
    this.mem.write(splitRing.usedElemLen(q.used, q.num, q.usedIdx), 4, len);
    q.usedIdx = (q.usedIdx + 1) & q.mask;
    this.mem.write(splitRing.usedIdx(q.used), 2, q.usedIdx);
    this.host.note(...DeviceNotes.pushUsed(q.index, head, q.usedIdx));
  }

  /** Interrupt unless the driver set VIRTQ_AVAIL_F_NO_INTERRUPT (NOTIF-DEV-2). */
  notify(q) {
    if (this.mem.read(splitRing.availFlags(q.avail), 2) & VIRTQ_AVAIL_F_NO_INTERRUPT) return;
    this.isr |= MMIO_INT.VRING;
    this.host.note(...DeviceNotes.isr(this.isr, MMIO_INT.VRING, q.index, 0));
    this.host.setIrq(this.host.irqBase, 1);
  }

  flushTx() {
    const q = this.queues[TX];
    if (!this.activated) return;
    let done = 0;
    for (let head = this.pop(q); head >= 0; head = this.pop(q), done++) {
      const seq = this.mem.read(this.mem.read(splitRing.descAddr(q.desc, head), 8), 4);
      this.host.note(...DeviceNotes.txPacket(TX, seq));
      this.push(q, head, 0);
    }
    if (done > 0) this.notify(q);
  }

  /** Backend work: one packet into an rx buffer, or wait for the driver's rx kick. */
  hasWork() { return this.activated && this.pending > 0 && !this.rxWaiting; }

  poll() {
    const q = this.queues[RX];
    const head = this.pop(q);
    if (head < 0) { this.rxWaiting = true; return; }
    const addr = this.mem.read(splitRing.descAddr(q.desc, head), 8);
    const seq = this.nextSeq++;
    this.host.note(...DeviceNotes.backlog(RX, this.pending));
    this.mem.write(addr, 4, seq);
    this.host.note(...DeviceNotes.rxPacket(RX, seq));
    this.push(q, head, 4);
    this.notify(q);
  }
}

export default fromSynchronousDevice((host) => new SyncNetDevice(host));
