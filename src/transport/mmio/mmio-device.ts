// The device side of virtio-mmio, after QEMU hw/virtio/virtio-mmio.c: Version 2 (§4.2.2)
// and legacy Version 1 (§4.2.4) register files, one interrupt line whose level is
// InterruptStatus ≠ 0 (§4.2.3.4, MMIO-DEV-3/8), InterruptACK clearing the written bits —
// or, for the multi-line proposals, several lines (irq-lines.ts).

import { type AccessSize, type Effect, type Process, type World, locked, note } from '../../kernel/index.ts';
import { MMIO, MMIO_LEGACY, MMIO_MAGIC, MMIO_VENDOR_QEMU, MMIO_EXPERIMENTAL_LINES } from '../../../spec/facts/mmio-registers.ts';
import { legacyRingLayout } from '../../../spec/facts/split-ring-layout.ts';
import type { MmioDevice } from '../../platform/mmio-bus.ts';
import type { InterruptController } from '../../platform/interrupt-controller.ts';
import type { DeviceTransport } from '../../device/virtio-device.ts';
import type { NetDevice } from '../../device/net-device.ts';
import { DeviceInterruptLines, type InterruptLineProfile, ONE_LINE } from './irq-lines.ts';
import type { MsiRegisterBlock } from '../msi/msi-block.ts';

/** An InterruptStatus bit v1.4 does not define (§4.2.2: bits 0 and 1 only), for the `isrUndefinedBit` fault. */
const ISR_UNDEFINED_BIT = 1 << 2;

export class MmioTransportDevice implements MmioDevice, DeviceTransport {
  /** InterruptStatus (§4.2.2): bit 0 used buffer, bit 1 configuration change; per line with several. */
  readonly lines: DeviceInterruptLines;
  private queueSel = 0;
  /** Queues whose QueueReady still reads 1 after a reset (the queueReadyLatchSurvivesReset slip). */
  private readonly readyLatch = new Set<number>();
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  private guestPageSize = 4096;
  private readonly queueAlign: number[];
  private readonly queuePfn: number[];
  /** MSI hook: the interrupt-delivery profile's register block (transport/msi/), when not the classic line. */
  msi: MsiRegisterBlock | undefined;

  constructor(
    private readonly world: World,
    irq: InterruptController,
    readonly line: number,
    readonly device: NetDevice,
    readonly version: 1 | 2,
    lineProfile: InterruptLineProfile = ONE_LINE,
  ) {
    device.transport = this;
    this.lines = new DeviceInterruptLines(irq, line, lineProfile, () => device.guestFeatures, (name, data) => this.emit(name, data), device.quirks.lineByQueueIndex,
      device.quirks.isrUndefinedBit ? ISR_UNDEFINED_BIT : 0); // the fault injection: InterruptStatus bit 2 (MMIO-DEV-3)
    this.queueAlign = device.queues.map(() => 4096);
    this.queuePfn = device.queues.map(() => 0);
  }

  emit(name: string, data: Record<string, number | string | boolean>): void {
    this.world.emit(this.world.current, note(name, data));
  }

  accessible(): boolean {
    return this.device.lock.free;
  }

  /** Set InterruptStatus bits and raise the line in one step, under the device lock (QEMU: isr |= …; update_irq). */
  notifyEffect(kind: 'vring' | 'config', queue: number): Effect {
    const msi = this.msi; // MSI hook: with MSI enabled the vector is sent and InterruptStatus is not used (§6.3)
    // MMIO-DEV-3: otherwise the bit is set from the event until the driver acks it; then the line.
    if (msi) return locked(() => (msi.vectors.enabled ? msi.vectors.raise(kind, queue) : this.lines.raise(kind, queue)), `dev.notify_${kind}`);
    return locked(() => this.lines.raise(kind, queue), `dev.notify_${kind}`);
  }

  resetTransport(): void {
    // The slip: QueueReady reads as it did before the reset (the register is not cleared with the queue).
    if (this.device.quirks.queueReadyLatchSurvivesReset) for (const vq of this.device.queues) if (vq.wasReady) this.readyLatch.add(vq.index);
    this.lines.reset(); // MMIO-DEV-4: reset clears InterruptStatus
    this.queuePfn.fill(0);
    this.queueSel = 0;
    this.msi?.vectors.reset(); // MSI hook: reset disables MSI and unmaps every event (PCI-DEV-4)
  }

  private get vq() {
    return this.device.queues[this.queueSel];
  }

  read(off: number, size: AccessSize): number {
    const d = this.device;
    if (this.msi?.claims(off)) return this.msi.read(off, this.queueSel); // MSI hook
    if (off >= MMIO.Config) return d.readConfig(off - MMIO.Config, size);
    switch (off) {
      case MMIO.MagicValue: return d.quirks.magicByteSwapped ? 0x76697274 : MMIO_MAGIC; // quirk: MMIO-DEV-1
      case MMIO.Version: return d.quirks.versionReadsLegacy ? 1 : this.version; // quirk: MMIO-DEV-2
      case MMIO.DeviceID: return d.options.deviceId;
      case MMIO.VendorID: return MMIO_VENDOR_QEMU;
      case MMIO.DeviceFeatures: return d.readDeviceFeatures(this.deviceFeaturesSel);
      case MMIO.QueueSizeMax: {
        if (this.version === 1 && this.queuePfn[this.queueSel]) return 0; // legacy: only while QueuePFN is 0
        return this.vq ? this.vq.numMax : 0;
      }
      case MMIO.QueueReady: return this.version === 2 && (this.vq?.ready || this.readyLatch.has(this.queueSel)) ? 1 : 0;
      case MMIO_LEGACY.QueuePFN: return this.version === 1 ? this.queuePfn[this.queueSel] ?? 0 : 0;
      case MMIO.InterruptStatus: return this.lines.interruptStatus;
      case MMIO_EXPERIMENTAL_LINES.LineInterruptStatus: return this.lines.profile.status === 'per-line' ? this.lines.lineStatus : 0;
      case MMIO.Status: return d.status;
      case MMIO.ConfigGeneration: return this.version === 2 ? d.configGeneration : 0;
      // §4.2.2: no shared memory region (virtio-net has none) — length and base read −1.
      case MMIO.SHMLenLow: case MMIO.SHMLenHigh: case MMIO.SHMBaseLow: case MMIO.SHMBaseHigh: return this.version === 2 ? 0xffffffff : 0;
      default: return 0; // write-only or unknown register: QEMU logs a guest error and reads 0
    }
  }

  write(off: number, _size: AccessSize, value: number): Process | undefined {
    const d = this.device;
    const vq = this.vq;
    if (this.msi?.claims(off)) { this.msi.write(off, value, this.queueSel); return undefined; } // MSI hook
    if (off >= MMIO.Config) { d.writeConfig(off - MMIO.Config, _size, value); return undefined; }
    switch (off) {
      case MMIO.DeviceFeaturesSel: this.deviceFeaturesSel = value; return undefined;
      case MMIO.DriverFeaturesSel: this.driverFeaturesSel = value; return undefined;
      case MMIO.DriverFeatures: d.writeDriverFeatures(this.driverFeaturesSel, value); return undefined;
      case MMIO.QueueSel: this.queueSel = value; return undefined;
      case MMIO.QueueSize: if (vq && !vq.ready) vq.num = value; return undefined;
      case MMIO.QueueReady: if (vq && this.version === 2) this.setReady(vq.index, value === 1); return undefined;
      case MMIO.QueueDescLow: if (vq && !vq.ready) vq.desc = lo(vq.desc, value); return undefined;
      case MMIO.QueueDescHigh: if (vq && !vq.ready) vq.desc = hi(vq.desc, value); return undefined;
      case MMIO.QueueDriverLow: if (vq && !vq.ready) vq.avail = lo(vq.avail, value); return undefined;
      case MMIO.QueueDriverHigh: if (vq && !vq.ready) vq.avail = hi(vq.avail, value); return undefined;
      case MMIO.QueueDeviceLow: if (vq && !vq.ready) vq.used = lo(vq.used, value); return undefined;
      case MMIO.QueueDeviceHigh: if (vq && !vq.ready) vq.used = hi(vq.used, value); return undefined;
      case MMIO_LEGACY.GuestPageSize: if (this.version === 1) this.guestPageSize = value; return undefined;
      case MMIO_LEGACY.QueueAlign: if (this.version === 1 && vq) this.queueAlign[vq.index] = value; return undefined;
      case MMIO_LEGACY.QueuePFN: if (this.version === 1 && vq) this.setPfn(vq.index, value); return undefined;
      case MMIO.QueueNotify: return d.queueNotify(value & 0xffff);
      case MMIO.InterruptACK: this.ack(value); return undefined;
      case MMIO_EXPERIMENTAL_LINES.LineInterruptACK: if (this.lines.profile.status === 'per-line') this.lines.lineAck(value); return undefined;
      case MMIO.Status: return d.writeStatus(value);
      default: return undefined; // read-only or unknown register: ignored
    }
  }

  /** InterruptACK (§4.2.2): clear the written bits, then the line follows InterruptStatus. */
  private ack(value: number): void {
    const q = this.device.quirks;
    this.lines.ack(value, q.ackClearsAll, q.ackKeepsLine); // BZ-KVT-03 analogues: clear all bits / keep the line up
  }

  private setReady(q: number, ready: boolean): void {
    const vq = this.device.queues[q]!;
    vq.ready = ready;
    this.readyLatch.delete(q);
    this.emit('dev.queueReady', { q, ready, num: vq.num, desc: vq.desc, avail: vq.avail, used: vq.used, width: vq.width });
  }

  /** Legacy: the queue lives at PFN × GuestPageSize in the contiguous layout; PFN 0 stops it. */
  private setPfn(q: number, pfn: number): void {
    const vq = this.device.queues[q]!;
    this.queuePfn[q] = pfn;
    if (pfn === 0) {
      vq.reset();
    } else {
      const layout = legacyRingLayout(pfn * this.guestPageSize, vq.num, this.queueAlign[q]!);
      vq.desc = layout.desc;
      vq.avail = layout.avail;
      vq.used = layout.used;
    }
    this.setReady(q, pfn !== 0);
  }
}

function lo(cur: number, value: number): number {
  return Math.floor(cur / 0x1_0000_0000) * 0x1_0000_0000 + (value >>> 0);
}
function hi(cur: number, value: number): number {
  return (value >>> 0) * 0x1_0000_0000 + (cur % 0x1_0000_0000);
}
