// A minimal virtio-pci (modern, §4.1) driver for a console device (§5.3), after Linux
// drivers/virtio/virtio_pci_modern.c: capability walk for notify_off_multiplier (§4.1.4.4),
// reset and wait for 0, status and features through common config (§4.1.4.3), queue set-up,
// kicks at queue_notify_off × multiplier, and the INTx handler that reads the ISR (§4.1.4.5).
// Port 0 only (no MULTIPORT): receiveq 0 gets one buffer, transmitq 1 sends `tx` buffers.

import { type Process, mmioRead, mmioWrite, note, wait } from '../kernel/index.ts';
import { PCI_CAP, PCI_COMMON, PCI_ISR, PCI_WINDOW } from '../../spec/facts/pci-registers.ts';
import { splitRing } from '../../spec/facts/split-ring-layout.ts';
import type { DmaAllocator } from '../platform/guest-memory.ts';
import type { InterruptController } from '../platform/interrupt-controller.ts';
import { Vring } from './vring.ts';

const VIRTIO_F_VERSION_1 = 1n << 32n;
const STATUS = { ACKNOWLEDGE: 1, DRIVER: 2, DRIVER_OK: 4, FEATURES_OK: 8, FAILED: 0x80 } as const;

export interface PciConsoleOptions {
  readonly queueSize: number;
  readonly tx: number;
  /** Device features the driver knows besides VERSION_1 (console: none needed for port 0). */
  readonly known: bigint;
  /** Hostile harness (judge the device only): add a transmit buffer and kick before DRIVER_OK (breaks STATUS-DRV-10). */
  readonly kickBeforeDriverOk?: boolean;
}

export class VirtioPciConsoleDriver {
  readonly vqs: Vring[] = [];
  private notifyMultiplier = 0;
  private readonly notifyOff: number[] = [];
  reclaimed = 0;
  received = 0;
  failed = false;
  /** Used buffers taken per queue, and queues found broken (a used id that is not a head in use: Linux BAD_RING). */
  readonly used: number[] = [];
  readonly broken = new Set<number>();
  /** MULTIPORT hook: the control queues' exchange (console-control.ts), set before main runs. */
  control: { setup(): Process; run(): Process } | undefined;

  constructor(readonly dev: number, readonly line: number, private readonly irq: InterruptController,
    private readonly allocator: DmaAllocator, readonly options: PciConsoleOptions) {}

  dma(): DmaAllocator {
    return this.allocator;
  }

  /** The vCPU's main: probe, init (§3.1.1), queues, DRIVER_OK, then send and wait for completions. */
  *main(): Process {
    yield* this.probe();
    yield* this.reset();
    yield mmioWrite(this.dev, PCI_COMMON.device_status, STATUS.ACKNOWLEDGE, 'drv.write_status', 1);
    yield mmioWrite(this.dev, PCI_COMMON.device_status, STATUS.ACKNOWLEDGE | STATUS.DRIVER, 'drv.write_status', 1);
    const offered = yield* this.getFeatures();
    const features = offered & (VIRTIO_F_VERSION_1 | this.options.known);
    yield* this.finalizeFeatures(features);
    yield mmioWrite(this.dev, PCI_COMMON.device_status, STATUS.ACKNOWLEDGE | STATUS.DRIVER | STATUS.FEATURES_OK, 'drv.write_status', 1);
    const back = (yield mmioRead(this.dev, PCI_COMMON.device_status, 'drv.read_status', 1)) & 0xff; // STATUS-DRV-8
    if (!(back & STATUS.FEATURES_OK)) {
      this.failed = true;
      yield mmioWrite(this.dev, PCI_COMMON.device_status, back | STATUS.FAILED, 'drv.write_status', 1);
      return;
    }
    const rx = yield* this.setupVq(0);
    const tx = yield* this.setupVq(1);
    if (!rx || !tx) throw new Error('virtio-console: receiveq0 or transmitq0 missing');
    tx.callback = (cpu) => this.reclaim(tx, cpu);
    rx.callback = (cpu) => this.reclaim(rx, cpu);
    if (this.control) yield* this.control.setup(); // MULTIPORT hook: control queues before DRIVER_OK
    let sent = 0;
    if (this.options.kickBeforeDriverOk && this.options.tx > 0) {
      yield* this.transmit(tx, sent++);
    }
    this.irq.request(this.line, (cpu) => this.interrupt(cpu));
    yield note('drv.requestIrq', { line: 0, handler: 'vp_interrupt' });
    yield mmioWrite(this.dev, PCI_COMMON.device_status, STATUS.ACKNOWLEDGE | STATUS.DRIVER | STATUS.FEATURES_OK | STATUS.DRIVER_OK, 'drv.write_status', 1);
    // One receive buffer (the device fills it only when the host sends: it stays available).
    yield* rx.add(this.allocator.alloc(64, 8), 64, true, 1000);
    if (yield* rx.kickPrepare()) yield* this.notify(rx);
    while (sent < this.options.tx) yield* this.transmit(tx, sent++);
    yield wait(() => this.reclaimed === this.options.tx, 'drv.console.wait_tx');
    if (this.control) yield* this.control.run();
  }

  /** One 8-byte buffer on transmitq0, kicked if the device asks for kicks (§2.7.13, §5.3.6.1). */
  private *transmit(tx: Vring, k: number): Process {
    const buf = this.allocator.alloc(8, 8);
    this.allocator.memory.write(buf, 4, 0x6b6f2100 + k); // payload: the driver's own bytes, not traced
    yield* tx.add(buf, 8, false, k + 1);
    if (yield* tx.kickPrepare()) yield* this.notify(tx);
  }

  // --- the transport operations the status probe uses (status-prober.ts) ---
  *probe(): Process<boolean> {
    yield* this.findNotifyCap();
    return true;
  }
  *reset(): Process {
    yield mmioWrite(this.dev, PCI_COMMON.device_status, 0, 'drv.reset', 1);
    while (((yield mmioRead(this.dev, PCI_COMMON.device_status, 'drv.reset.read_status', 1)) & 0xff) !== 0) { /* PCI-DRV-6 */ }
  }
  *setStatus(value: number): Process {
    yield mmioWrite(this.dev, PCI_COMMON.device_status, value, 'drv.write_status', 1);
  }
  *getStatus(): Process<number> {
    return (yield mmioRead(this.dev, PCI_COMMON.device_status, 'drv.read_status', 1)) & 0xff;
  }

  /** Walk the capability list (PCI config space) for the notify capability's multiplier (§4.1.4.4). */
  private *findNotifyCap(): Process {
    const cfg = PCI_WINDOW.config;
    let at = (yield mmioRead(this.dev, cfg + 0x34, 'drv.pci.read_cap_ptr', 1)) & 0xff;
    while (at !== 0) {
      const id = yield mmioRead(this.dev, cfg + at, 'drv.pci.read_cap_id', 1);
      const type = yield mmioRead(this.dev, cfg + at + 3, 'drv.pci.read_cfg_type', 1);
      if (id === 9 && type === PCI_CAP.NOTIFY) this.notifyMultiplier = yield mmioRead(this.dev, cfg + at + 16, 'drv.pci.read_notify_off_multiplier', 4);
      at = (yield mmioRead(this.dev, cfg + at + 1, 'drv.pci.read_cap_next', 1)) & 0xff;
    }
  }

  *getFeatures(): Process<bigint> {
    yield mmioWrite(this.dev, PCI_COMMON.device_feature_select, 0, 'drv.features.select_device_lo');
    const lo = yield mmioRead(this.dev, PCI_COMMON.device_feature, 'drv.features.read_device_lo');
    yield mmioWrite(this.dev, PCI_COMMON.device_feature_select, 1, 'drv.features.select_device_hi');
    const hi = yield mmioRead(this.dev, PCI_COMMON.device_feature, 'drv.features.read_device_hi');
    return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  }

  *finalizeFeatures(f: bigint): Process {
    yield mmioWrite(this.dev, PCI_COMMON.driver_feature_select, 0, 'drv.features.select_driver_lo');
    yield mmioWrite(this.dev, PCI_COMMON.driver_feature, Number(f & 0xffffffffn), 'drv.features.write_driver_lo');
    yield mmioWrite(this.dev, PCI_COMMON.driver_feature_select, 1, 'drv.features.select_driver_hi');
    yield mmioWrite(this.dev, PCI_COMMON.driver_feature, Number(f >> 32n), 'drv.features.write_driver_hi');
  }

  /** `vp_modern_find_vqs` for one queue: size, rings, notify offset, then queue_enable last (PCI-DRV-6). */
  *setupVq(index: number): Process<Vring | undefined> {
    const d = this.dev;
    yield mmioWrite(d, PCI_COMMON.queue_select, index, 'drv.vq.select', 2);
    const max = (yield mmioRead(d, PCI_COMMON.queue_size, 'drv.vq.read_size', 2)) & 0xffff;
    if (max === 0) return undefined;
    const num = Math.min(this.options.queueSize, max);
    yield mmioWrite(d, PCI_COMMON.queue_size, num, 'drv.vq.write_size', 2);
    const desc = this.allocator.alloc(splitRing.descSize(num), 16);
    const avail = this.allocator.alloc(splitRing.availSize(num), 2);
    const used = this.allocator.alloc(splitRing.usedSize(num), 4);
    yield mmioWrite(d, PCI_COMMON.queue_desc, desc, 'drv.vq.write_desc_lo', 4);
    yield mmioWrite(d, PCI_COMMON.queue_desc + 4, 0, 'drv.vq.write_desc_hi', 4);
    yield mmioWrite(d, PCI_COMMON.queue_driver, avail, 'drv.vq.write_avail_lo', 4);
    yield mmioWrite(d, PCI_COMMON.queue_driver + 4, 0, 'drv.vq.write_avail_hi', 4);
    yield mmioWrite(d, PCI_COMMON.queue_device, used, 'drv.vq.write_used_lo', 4);
    yield mmioWrite(d, PCI_COMMON.queue_device + 4, 0, 'drv.vq.write_used_hi', 4);
    this.notifyOff[index] = (yield mmioRead(d, PCI_COMMON.queue_notify_off, 'drv.vq.read_notify_off', 2)) & 0xffff;
    yield mmioWrite(d, PCI_COMMON.queue_enable, 1, 'drv.vq.write_enable', 2);
    const vq = new Vring(index, { num, desc, avail, used }, false, 16);
    this.vqs[index] = vq;
    yield note('drv.queueSetup', { q: index, num, desc, avail, used });
    return vq;
  }

  /** `vp_notify`: the queue index, 16 bits, at notify base + queue_notify_off × multiplier (§4.1.4.4). */
  *notify(vq: Vring): Process {
    const off = PCI_WINDOW.notify + this.notifyOff[vq.index]! * this.notifyMultiplier;
    yield mmioWrite(this.dev, off, vq.index, `drv.vq${vq.index}.notify`, 2);
  }

  /** The queue's callback: take every used buffer; a used id that is no head in use breaks the queue (Linux BAD_RING). */
  *reclaim(vq: Vring, _cpu: number): Process {
    while (!this.broken.has(vq.index)) {
      let token: number | undefined;
      try {
        token = yield* vq.getBuf();
      } catch (err) {
        this.broken.add(vq.index);
        yield note('drv.badRing', { q: vq.index, why: String((err as Error).message) });
        return;
      }
      if (token === undefined) return;
      this.used[vq.index] = (this.used[vq.index] ?? 0) + 1;
      if (vq.index === 1) this.reclaimed++; else if (vq.index === 0) this.received++;
    }
  }

  /** `vp_interrupt` (INTx): reading the ISR clears it and de-asserts the line (§4.1.4.5); bit 0: scan the queues. */
  *interrupt(cpu: number): Process {
    const isr = (yield mmioRead(this.dev, PCI_WINDOW.isr, 'drv.irq.read_isr', 1)) & 0xff;
    let handled = false;
    if (isr & PCI_ISR.QUEUE) for (const vq of this.vqs) if (vq && (yield* vq.interrupt(cpu))) handled = true;
    yield note('drv.irqHandled', { cpu, status: isr, handled });
  }
}
