// QEMU trace → kernel records, per virtio-mmio transport (told apart by MMIO base), as the
// simulator would record them: register accesses as mmioRead/mmioWrite effects (vCPU, offset,
// size, value), the line as setIrq, and device facts as the notes the oracles read
// (dev.status/reset/activate/featuresOk/features, dev.queueReady, dev.isr, dev.popAvail, dev.pushUsed).
// One QEMU log line may give several records; the lines of one device action (a register write
// and its handler's virtio_set_status / setting IRQ / ioapic lines on the same thread) share a step.
// What QEMU does not trace is reconstructed from QEMU's own code, and said so (see notes()).

import type { KernelRecord } from '../../kernel/records.ts';
import type { NoteData, RecordedEffect } from '../../kernel/effects.ts';
import { MMIO, MMIO_LEGACY } from '../../../spec/facts/mmio-registers.ts';
import { legacyRingLayout, splitRing } from '../../../spec/facts/split-ring-layout.ts';
import { STATUS } from '../../../spec/facts/status-bits.ts';
import type { SourcedRecord } from '../to-records.ts';
import type { QemuLine } from './parse.ts';
import { TraceFormatError } from '../jsonl.ts';

const WINDOW = 0x200; // one virtio-mmio transport's register window (QEMU: 0x200 bytes)
/** microvm: transports from 0xfeb00000, slot k on IOAPIC pin k (hw/i386/microvm.c). */
const MICROVM_BASE = 0xfeb00000;
/** The guest's in-band markers: writes of 0x7e57000N to MagicValue of an empty slot (README). */
const MARKER = 0x7e57;
const DEVICE_PROC = 1000;
/** Bounds on what the importer remembers (threads, transports, queue pointers), far above a real VM: memory stays bounded. */
const MAX_THREADS = 4096;
const MAX_DEVICES = 1024;
const MAX_POINTERS = 65536;
const MAX_EVENT_NAMES = 256;

interface Queue { num: number; desc: number; avail: number; used: number; align: number; ready: boolean; nextAvail: number; usedIdx: number }

export interface ImportedDevice {
  readonly index: number;
  readonly base: number;
  version: 1 | 2 | undefined;
  deviceId: number | undefined;
  /** Driver features (low word) in force: accepted at FEATURES_OK, or (legacy) as last written. */
  featuresLo: number;
}

interface Device extends ImportedDevice {
  status: number;
  isr: number;
  queueSel: number;
  driverFeaturesSel: number;
  readonly driverFeatures: [number, number];
  guestPageSize: number;
  readonly queues: Map<number, Queue>;
  resetStep: number;
  /**
   * A FEATURES_OK write not yet answered: QEMU logs virtio_set_status before it validates the
   * features, so whether the device took it shows only in the next Status read.
   */
  pendingFeaturesOk: number | undefined;
  /** Records held until the Version and DeviceID registers say which layout and device it is. */
  held: SourcedRecord[] | undefined;
}

interface Thread {
  step: number;
  /** The device the thread acts for in its current step, and what opened the step. */
  base: number | undefined;
  open: { readonly kind: 'read' | 'write' | 'notify' | 'other'; readonly off: number } | undefined;
  ack: { readonly value: number } | undefined;
  /** A device action whose device is known only from the IOAPIC pin that follows (the reset at startup). */
  deferred: ((base: number) => void)[];
  deferredVdev: string | undefined;
}

export class QemuImporter {
  private readonly devices = new Map<number, Device>();
  private readonly threads = new Map<number, Thread>();
  private readonly vdevBase = new Map<string, number>();
  private readonly vqOf = new Map<string, { base: number; q: number }>();
  private readonly pinBase = new Map<number, number>();
  private nextStep = 0;
  private line = 0;
  markers = 0;
  unresolved = 0;
  readonly ignored = new Map<string, number>();

  constructor(private readonly sink: (r: SourcedRecord) => void) {}

  get deviceList(): readonly ImportedDevice[] {
    return [...this.devices.values()];
  }

  /** Feed one parsed line (1-based `lineNo`). */
  feed(l: QemuLine, lineNo: number): void {
    this.line = lineNo;
    const th = this.thread(l.tid);
    const ev = l.ev;
    switch (ev.e) {
      case 'mr_read':
      case 'mr_write': {
        if (ev.name !== 'virtio-mmio') { this.ignore(`memory_region_ops (${ev.name})`); return; }
        const base = ev.addr - (ev.addr % WINDOW);
        const off = ev.addr - base;
        if (ev.e === 'mr_write' && off === MMIO.MagicValue && ev.value >>> 16 === MARKER) { this.markers++; th.open = undefined; return; }
        this.open(th, base, { kind: ev.e === 'mr_read' ? 'read' : 'write', off });
        const d = this.device(base);
        if (ev.e === 'mr_read') {
          if (off === MMIO.Version) d.version = ev.value === 1 ? 1 : 2;
          if (off === MMIO.DeviceID) d.deviceId = ev.value;
          if (off > MMIO.VendorID) { d.version ??= 2; d.deviceId ??= 0; }
          if (off === MMIO.Status) this.answerFeaturesOk(d, th, (ev.value & STATUS.FEATURES_OK) !== 0, ev.cpu, ev.size, ev.value);
          else this.effect(d, th, { kind: 'mmioRead', dev: d.index, off, size: ev.size, site: 'drv.mmio_read' }, ev.cpu, ev.value);
        } else {
          d.version ??= 2;
          d.deviceId ??= 0;
          this.effect(d, th, { kind: 'mmioWrite', dev: d.index, off, size: ev.size, value: ev.value, site: 'drv.mmio_write' }, ev.cpu);
          this.registerWrite(d, th, off, ev.value);
        }
        return;
      }
      case 'mmio_read':
      case 'mmio_write':
        return; // virtio-mmio's own view of the access memory_region_ops already gave (with value and base)
      case 'set_status': {
        if (th.open?.kind === 'write' && th.open.off === MMIO.Status && th.base !== undefined) {
          this.learnVdev(ev.vdev, th.base);
          this.setStatus(this.device(th.base), th, ev.val);
          return;
        }
        const base = this.vdevBase.get(ev.vdev);
        this.open(th, base, { kind: 'other', off: -1 });
        if (base !== undefined) this.setStatus(this.device(base), th, ev.val);
        else { th.deferredVdev = ev.vdev; th.deferred.push((b) => this.setStatus(this.device(b), th, ev.val)); }
        return;
      }
      case 'setting_irq': {
        const level = ev.level;
        const apply = (base: number) => {
          const d = this.device(base);
          if (th.ack) {
            // QEMU: isr &= ~ack, then the line = (isr ≠ 0). The status is not traced; the line after the ACK shows it.
            const value = level === 0 ? 0 : d.isr & ~th.ack.value;
            th.ack = undefined;
            d.isr = value;
            this.note(d, th, 'dev.isr', { value, set: 0, q: -1 });
          }
          this.effect(d, th, { kind: 'setIrq', line: 0, level, site: 'dev.update_irq' }, DEVICE_PROC);
        };
        if (th.deferred.length > 0 || th.base === undefined) th.deferred.push(apply);
        else apply(th.base);
        return;
      }
      case 'ioapic': {
        if (th.deferred.length > 0) {
          const base = this.pinBase.get(ev.pin) ?? MICROVM_BASE + ev.pin * WINDOW;
          if (th.deferredVdev !== undefined) this.learnVdev(th.deferredVdev, base);
          const work = th.deferred;
          th.deferred = [];
          th.deferredVdev = undefined;
          th.base = base;
          for (const w of work) w(base);
        } else if (th.base !== undefined) {
          this.pinBase.set(ev.pin, th.base);
        }
        return;
      }
      case 'queue_notify': {
        if (th.open?.kind === 'write' && th.open.off === MMIO.QueueNotify && th.base !== undefined) {
          this.learnVdev(ev.vdev, th.base);
          this.learnVq(ev.vq, { base: th.base, q: ev.n });
          return;
        }
        // A kick that bypassed the MMIO write (ioeventfd): the driver's write, as the device saw it.
        const base = this.vdevBase.get(ev.vdev);
        if (base === undefined) { this.unresolved++; return; }
        this.learnVq(ev.vq, { base, q: ev.n });
        this.open(th, base, { kind: 'write', off: MMIO.QueueNotify });
        const d = this.device(base);
        this.effect(d, th, { kind: 'mmioWrite', dev: d.index, off: MMIO.QueueNotify, size: 4, value: ev.n, site: 'drv.mmio_write' }, DEVICE_PROC);
        return;
      }
      case 'notify': {
        const vq = this.vqOf.get(ev.vq);
        const base = this.vdevBase.get(ev.vdev) ?? vq?.base;
        if (base === undefined) { this.unresolved++; return; }
        this.learnVdev(ev.vdev, base);
        this.open(th, base, { kind: 'notify', off: -1 });
        const d = this.device(base);
        d.isr |= 1; // virtio_notify → virtio_set_isr(vdev, 0x1) → virtio_mmio_update_irq
        this.note(d, th, 'dev.isr', { value: d.isr, set: 1, q: vq?.q ?? -1 });
        return;
      }
      case 'pop':
      case 'flush': {
        const vq = this.vqOf.get(ev.vq);
        if (!vq) { this.unresolved++; return; }
        this.open(th, vq.base, { kind: 'other', off: -1 });
        const d = this.device(vq.base);
        const q = this.queue(d, vq.q);
        if (ev.e === 'pop') {
          const next = (q.nextAvail + 1) & 0xffff;
          // The avail.idx QEMU read is not traced: the least value that allows this pop (P-WRAP's pop check is vacuous here).
          if (q.ready) this.effect(d, th, { kind: 'load', addr: splitRing.availIdx(q.avail), size: 2, site: 'dev.vq.avail_idx_assumed' }, DEVICE_PROC, next);
          q.nextAvail = next;
          this.note(d, th, 'dev.popAvail', { q: vq.q, head: -1, nextAvail: next });
        } else {
          if (ev.count === 0) return;
          const idx = (q.usedIdx + ev.count) & 0xffff; // used.idx += count (virtqueue_flush: vring_used_idx_set)
          if (q.ready) this.effect(d, th, { kind: 'store', addr: splitRing.usedIdx(q.used), size: 2, value: idx, site: 'dev.vq.store_used_idx' }, DEVICE_PROC);
          q.usedIdx = idx;
          this.note(d, th, 'dev.pushUsed', { q: vq.q, head: -1, usedIdx: idx, count: ev.count });
        }
        return;
      }
      case 'other':
        this.ignore(ev.name);
        return;
    }
  }

  /** End of the trace: devices still waiting for their Version get the modern layout. */
  end(): void {
    for (const d of this.devices.values()) {
      d.version ??= 2;
      d.deviceId ??= 0;
      this.release(d);
    }
  }

  private ignore(name: string): void {
    const key = this.ignored.has(name) || this.ignored.size < MAX_EVENT_NAMES ? name : '(other names)';
    this.ignored.set(key, (this.ignored.get(key) ?? 0) + 1);
  }

  private learnVdev(vdev: string, base: number): void {
    if (!this.vdevBase.has(vdev)) this.bound(this.vdevBase.size, MAX_POINTERS, 'vdev', 'device pointers');
    this.vdevBase.set(vdev, base);
  }

  private learnVq(vq: string, where: { base: number; q: number }): void {
    if (!this.vqOf.has(vq)) this.bound(this.vqOf.size, MAX_POINTERS, 'vq', 'queue pointers');
    this.vqOf.set(vq, where);
  }

  private bound(size: number, max: number, field: string, what: string): void {
    if (size >= max) throw new TraceFormatError(this.line, field, `names more than ${max} distinct ${what}: not a trace of one VM`);
  }

  private thread(tid: number): Thread {
    let th = this.threads.get(tid);
    if (!th) {
      this.bound(this.threads.size, MAX_THREADS, 'tid', 'threads');
      th = { step: 0, base: undefined, open: undefined, ack: undefined, deferred: [], deferredVdev: undefined };
      this.threads.set(tid, th);
    }
    return th;
  }

  /** A new device action on thread `th`: a new step. */
  private open(th: Thread, base: number | undefined, open: NonNullable<Thread['open']>): void {
    th.step = this.nextStep++;
    th.base = base;
    th.open = open;
    th.ack = undefined;
    th.deferred = [];
    th.deferredVdev = undefined;
  }

  private device(base: number): Device {
    let d = this.devices.get(base);
    if (!d) {
      this.bound(this.devices.size, MAX_DEVICES, 'addr', 'virtio-mmio transports');
      d = {
        index: this.devices.size, base, version: undefined, deviceId: undefined, status: 0, isr: 0, queueSel: 0, driverFeaturesSel: 0,
        featuresLo: 0, driverFeatures: [0, 0], guestPageSize: 4096, queues: new Map(), resetStep: -1, pendingFeaturesOk: undefined, held: [],
      };
      this.devices.set(base, d);
    }
    return d;
  }

  private queue(d: Device, q: number): Queue {
    let v = d.queues.get(q);
    if (!v) {
      v = { num: 0, desc: 0, avail: 0, used: 0, align: 4096, ready: false, nextAvail: 0, usedIdx: 0 };
      d.queues.set(q, v);
    }
    return v;
  }

  private emit(d: Device, record: KernelRecord): void {
    const r = { dev: d.index, record, line: this.line };
    if (d.held) {
      d.held.push(r);
      if (d.version !== undefined && d.deviceId !== undefined) this.release(d);
    } else {
      this.sink(r);
    }
  }

  private release(d: Device): void {
    const held = d.held;
    if (!held) return;
    d.held = undefined;
    for (const r of held) this.sink(r);
  }

  private effect(d: Device, th: Thread, effect: RecordedEffect, proc: number, result?: number): void {
    this.emit(d, { kind: 'effect', step: th.step, proc, effect, result });
  }

  private note(d: Device, th: Thread, name: string, data: NoteData): void {
    this.effect(d, th, { kind: 'note', note: name, data, site: name }, DEVICE_PROC);
  }

  /** The device side of a register write (QEMU virtio_mmio_write), for what the trace does not log. */
  private registerWrite(d: Device, th: Thread, off: number, value: number): void {
    const q = () => this.queue(d, d.queueSel);
    const QUEUE_REGISTERS: readonly number[] = [MMIO.QueueSize, MMIO.QueueDescLow, MMIO.QueueDescHigh, MMIO.QueueDriverLow, MMIO.QueueDriverHigh,
      MMIO.QueueDeviceLow, MMIO.QueueDeviceHigh, MMIO.QueueReady, MMIO_LEGACY.QueueAlign, MMIO_LEGACY.QueuePFN];
    if (d.queueSel >= 1024 && QUEUE_REGISTERS.includes(off)) return; // no such queue (QEMU: VIRTIO_QUEUE_MAX); nothing to remember
    switch (off) {
      case MMIO.DriverFeaturesSel: d.driverFeaturesSel = value; return;
      case MMIO.DriverFeatures:
        if (d.driverFeaturesSel > 1) return;
        d.driverFeatures[d.driverFeaturesSel] = value >>> 0;
        if (d.version === 1) {
          d.featuresLo = d.driverFeatures[0];
          this.note(d, th, 'dev.features', { lo: d.driverFeatures[0], hi: d.driverFeatures[1] });
        }
        return;
      case MMIO.QueueSel: d.queueSel = value; return;
      case MMIO.QueueSize: if (!q().ready) q().num = value; return;
      case MMIO.QueueDescLow: q().desc = lo(q().desc, value); return;
      case MMIO.QueueDescHigh: q().desc = hi(q().desc, value); return;
      case MMIO.QueueDriverLow: q().avail = lo(q().avail, value); return;
      case MMIO.QueueDriverHigh: q().avail = hi(q().avail, value); return;
      case MMIO.QueueDeviceLow: q().used = lo(q().used, value); return;
      case MMIO.QueueDeviceHigh: q().used = hi(q().used, value); return;
      case MMIO.QueueReady: if (d.version === 2) this.setReady(d, th, d.queueSel, value === 1); return;
      case MMIO_LEGACY.GuestPageSize: if (d.version === 1) d.guestPageSize = value; return;
      case MMIO_LEGACY.QueueAlign: if (d.version === 1) q().align = value; return;
      case MMIO_LEGACY.QueuePFN: {
        if (d.version !== 1) return;
        const v = q();
        if (value !== 0) {
          const layout = legacyRingLayout(value * d.guestPageSize, v.num, v.align);
          v.desc = layout.desc; v.avail = layout.avail; v.used = layout.used;
        }
        this.setReady(d, th, d.queueSel, value !== 0);
        return;
      }
      case MMIO.InterruptACK: th.ack = { value }; return;
      default: return;
    }
  }

  private setReady(d: Device, th: Thread, qi: number, ready: boolean): void {
    const v = this.queue(d, qi);
    v.ready = ready;
    if (ready) { v.nextAvail = 0; v.usedIdx = 0; }
    this.note(d, th, 'dev.queueReady', { q: qi, ready, num: v.num, desc: v.desc, avail: v.avail, used: v.used, width: 16 });
  }

  /** virtio_set_status: the status QEMU now holds; 0 is the reset (logged twice per reset, once handled). */
  private setStatus(d: Device, th: Thread, val: number): void {
    this.answerFeaturesOk(d, th, true); // not read back before the next status change: taken as accepted
    if (val === 0) {
      if (d.resetStep === th.step) return;
      d.resetStep = th.step;
      d.status = 0;
      d.isr = 0;
      d.driverFeatures[0] = 0;
      d.driverFeatures[1] = 0;
      for (const v of d.queues.values()) { v.ready = false; v.nextAvail = 0; v.usedIdx = 0; }
      this.note(d, th, 'dev.isr', { value: 0, set: 0, q: -1 });
      this.note(d, th, 'dev.reset', {});
      return;
    }
    const old = d.status;
    if (d.version !== 1 && val & STATUS.FEATURES_OK && !(old & STATUS.FEATURES_OK)) {
      d.pendingFeaturesOk = val; // answered by the next Status read
      return;
    }
    this.storeStatus(d, th, old, val);
  }

  private storeStatus(d: Device, th: Thread, old: number, val: number): void {
    d.status = val;
    this.note(d, th, 'dev.status', { value: val });
    if (val & STATUS.DRIVER_OK && !(old & STATUS.DRIVER_OK)) this.note(d, th, 'dev.activate', {});
  }

  /**
   * The device's answer to a pending FEATURES_OK (FEAT-DEV-2): accepted when the status read
   * back keeps the bit. The read itself is recorded first (`cpu` given), then the answer.
   */
  private answerFeaturesOk(d: Device, th: Thread, accepted: boolean, cpu?: number, size?: 1 | 2 | 4 | 8, value?: number): void {
    const val = d.pendingFeaturesOk;
    if (cpu !== undefined) this.effect(d, th, { kind: 'mmioRead', dev: d.index, off: MMIO.Status, size: size!, site: 'drv.mmio_read' }, cpu, value);
    if (val === undefined) return;
    d.pendingFeaturesOk = undefined;
    this.note(d, th, 'dev.featuresOk', { accepted, lo: d.driverFeatures[0], hi: d.driverFeatures[1] });
    if (!accepted) return; // QEMU returns before storing the status: it keeps the old value
    d.featuresLo = d.driverFeatures[0];
    this.storeStatus(d, th, d.status, val);
  }
}

function lo(cur: number, value: number): number {
  return Math.floor(cur / 0x1_0000_0000) * 0x1_0000_0000 + (value >>> 0);
}
function hi(cur: number, value: number): number {
  return (value >>> 0) * 0x1_0000_0000 + (cur % 0x1_0000_0000);
}
