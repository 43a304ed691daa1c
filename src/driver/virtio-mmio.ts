// The driver side of virtio-mmio, after Linux drivers/virtio/virtio_mmio.c: probe checks
// (§4.2.3.1.1), status and features (§4.2.2), queue set-up for Version 2 (§4.2.3.2) and
// Version 1 (§4.2.4), kicks (§4.2.3.3), and vm_interrupt (§4.2.3.4.1) — plus the handlers
// of the multi-line proposals (line-handlers.ts).

import { type Process, mmioRead, mmioWrite, note } from '../kernel/index.ts';
import { MMIO, MMIO_LEGACY, MMIO_MAGIC, MMIO_INT } from '../../spec/facts/mmio-registers.ts';
import { legacyRingLayout, splitRing } from '../../spec/facts/split-ring-layout.ts';
import type { DmaAllocator } from '../platform/guest-memory.ts';
import type { InterruptController } from '../platform/interrupt-controller.ts';
import { Vring, type VringLayout } from './vring.ts';
import type { DriverQuirks } from './quirks.ts';
import { type DriverLineOptions, LineHandlers, ONE_LINE_DRIVER } from './line-handlers.ts';
import { MsiDriver, type MsiDriverOptions } from './msi.ts';
import type { LocalApics } from '../platform/local-apic.ts';

const PAGE_SIZE = 4096;
/** What the harness plants in suppression fields the negotiated mode leaves unused. */
export const SUPPRESSION_GUARD = 0xa5a5;

export class VirtioMmioDriver {
  version = 0;
  readonly vqs: Vring[] = [];
  /** Interrupt handler invocations per CPU, and those that found nothing to do (metrics). */
  readonly handlerCalls: number[];
  spuriousHandlerCalls = 0;
  /** Set by the device driver: runs on a config-change interrupt. */
  configChanged: ((cpu: number) => Process) | undefined;
  /** `dev->config_core_enabled` and `config_change_pending` (drivers/virtio/virtio.c). */
  configEnabled = false;
  configPending = false;
  /** How interrupts are taken: vm_interrupt on line 0, or one of the multi-line proposals' handlers. */
  readonly lineHandlers: LineHandlers;
  /** MSI hook: message-signalled interrupts (msi.ts), when the device offers them and the driver uses them. */
  msi: MsiDriver | undefined;

  constructor(
    readonly dev: number,
    readonly line: number,
    private readonly irq: InterruptController,
    private readonly dma: DmaAllocator,
    readonly quirks: DriverQuirks,
    readonly cpus: number,
    lineOptions: DriverLineOptions = ONE_LINE_DRIVER,
  ) {
    this.handlerCalls = new Array(cpus).fill(0);
    this.lineHandlers = new LineHandlers(this, irq, lineOptions);
  }

  /**
   * `virtio_mmio_probe` (vm_probe): MagicValue and Version first, then DeviceID (MMIO-DRV-13);
   * false = not ours, and then no other register is touched. A wrong magic or version is
   * reported (MAY, Linux dev_warn / dev_err); the DeviceID 0 placeholder is not (MMIO-DRV-5:
   * "End probing now with no error reported").
   */
  *probe(): Process<boolean> {
    const q = this.quirks;
    const magic = yield mmioRead(this.dev, MMIO.MagicValue, 'drv.probe.read_magic');
    if (magic !== MMIO_MAGIC && !q.probeSkipsMagicCheck) return yield* this.ignore('MagicValue', magic, true); // MMIO-DRV-3
    this.version = yield mmioRead(this.dev, MMIO.Version, 'drv.probe.read_version');
    // MMIO-DRV-4: a transitional driver drives Version 2 and legacy Version 1 (§4.2.4), nothing else (Linux: 1 and 2).
    if (this.version < 1 || (this.version > 2 && !q.probeAcceptsAnyVersion)) return yield* this.ignore('Version', this.version, true);
    const id = yield mmioRead(this.dev, MMIO.DeviceID, 'drv.probe.read_device_id');
    if (q.readVendorBeforeIdCheck) yield mmioRead(this.dev, MMIO.VendorID, 'drv.probe.read_vendor_id'); // the quirk: before the check
    if (id === 0) return yield* this.ignore('DeviceID', 0, q.placeholderReportsError); // MMIO-DRV-5: a placeholder, touch nothing else
    if (!q.readVendorBeforeIdCheck) yield mmioRead(this.dev, MMIO.VendorID, 'drv.probe.read_vendor_id');
    if (this.version === 1) yield mmioWrite(this.dev, MMIO_LEGACY.GuestPageSize, PAGE_SIZE, 'drv.probe.write_guest_page_size');
    if (q.probeShmRegions) yield* this.probeShmRegions(); // the quirk (MMIO-DRV-14)
    return true;
  }

  /** vm_probe's exits: the window is not a device this driver drives (`reported`: it logged an error). */
  private *ignore(register: string, value: number, reported: boolean): Process<boolean> {
    yield note('drv.probeIgnored', { register, value, reported });
    return false;
  }

  /**
   * The quirk: `vm_get_shm_region` for every region id until one reads length −1 (§4.2.2:
   * SHMLen of a region that does not exist), whether or not the device type has any —
   * virtio-net has none (§5.1), so MMIO-DRV-14 forbids it.
   */
  private *probeShmRegions(): Process {
    yield mmioWrite(this.dev, MMIO.SHMSel, 0, 'drv.shm.select');
    yield mmioRead(this.dev, MMIO.SHMLenLow, 'drv.shm.read_len_lo');
    yield mmioRead(this.dev, MMIO.SHMLenHigh, 'drv.shm.read_len_hi');
  }

  *getStatus(): Process<number> {
    return (yield mmioRead(this.dev, MMIO.Status, 'drv.read_status')) & 0xff;
  }

  *setStatus(value: number): Process {
    if (this.quirks.statusByteWrite) yield mmioWrite(this.dev, MMIO.Status, value & 0xff, 'drv.write_status_byte', 1); // quirk: MMIO-DRV-2
    else yield mmioWrite(this.dev, MMIO.Status, value, 'drv.write_status');
  }

  /** `vm_reset`: writing 0 starts a reset (MMIO-RST-1). */
  *reset(): Process {
    yield mmioWrite(this.dev, MMIO.Status, 0, 'drv.reset');
    if (this.quirks.resetWritesIsr) yield mmioWrite(this.dev, MMIO.InterruptStatus, 0, 'drv.reset_clear_isr'); // quirk: MMIO-DRV-1
  }

  /** Reset and wait for it (MMIO-RST-1, §2.4.2 STATUS-DRV-11): write 0, read Status back until it is 0. */
  *resetAndWait(): Process {
    yield* this.reset();
    while ((yield* this.getStatus()) !== 0) yield note('drv.resetPending', {});
  }

  // --- consistent config reads (SimConfig readMac) ---
  /** `vm_generation`: ConfigGeneration (§4.2.2); Version 1 has none and reports 0 without an access. */
  *generation(): Process<number> {
    return this.version === 1 ? 0 : yield mmioRead(this.dev, MMIO.ConfigGeneration, 'drv.config.read_generation');
  }

  /**
   * `virtio_cread_bytes` → `__virtio_cread_many` (§2.5.1): byte reads (8-bit fields, 8-bit
   * accesses, MMIO-DRV-2) between two ConfigGeneration reads, again until they agree — so a
   * change during the read is never taken for a consistent snapshot.
   */
  *readConfigBytes(off: number, len: number, site: string): Process<number[]> {
    let gen = yield* this.generation();
    for (;;) {
      const old = gen;
      const bytes: number[] = [];
      for (let i = 0; i < len; i++) bytes.push(yield mmioRead(this.dev, MMIO.Config + off + i, site, 1));
      gen = yield* this.generation();
      if (gen === old) return bytes;
    }
  }
  // --- end consistent config reads ---

  // --- driver removal (SimConfig removeAfterWorkload) ---
  /** `virtio_config_core_disable` (virtio_dev_remove): changes from now on are only remembered. */
  configDisable(): void {
    this.configEnabled = false;
  }

  /**
   * `vm_del_vqs`: every queue, then the interrupt is freed (MSI: the vectors too, so the
   * IRQ-affinity moves stop). Runs after the reset (remove_vq_common).
   */
  *delVqs(): Process {
    for (const vq of [...this.vqs]) if (vq) yield* this.delVq(vq);
    this.msi = undefined; // free_irq / pci_free_irq_vectors: the driver no longer takes its vectors
  }

  /**
   * `vm_del_vq`: off the handler's list first (list_del under vm_dev->lock, so vm_interrupt no
   * longer scans it), then select and stop it: Version 2 writes QueueReady 0 and reads it back
   * to synchronise (§4.2.2.2, MMIO-DRV-9; Linux WARN_ON if it is not 0), Version 1 writes
   * QueuePFN 0 (§4.2.4).
   */
  private *delVq(vq: Vring): Process {
    const dev = this.dev;
    delete this.vqs[vq.index];
    yield mmioWrite(dev, MMIO.QueueSel, vq.index, 'drv.vq.del_select');
    if (this.version === 1) {
      yield mmioWrite(dev, MMIO_LEGACY.QueuePFN, 0, 'drv.vq.del_pfn');
      return;
    }
    yield mmioWrite(dev, MMIO.QueueReady, 0, 'drv.vq.del_ready');
    if (this.quirks.stopQueueWithoutReadback) return; // the quirk: no read-back (MMIO-DRV-9)
    const ready = yield mmioRead(dev, MMIO.QueueReady, 'drv.vq.del_read_ready');
    if (ready !== 0) yield note('drv.warn', { what: 'QueueReady still set after writing 0', q: vq.index });
  }
  // --- end driver removal ---

  /** `vm_get_features`: select, then read, high word first (MMIO-DRV-6). */
  *getFeatures(): Process<bigint> {
    // The slip reads the first word unselected, trusting the select to start at 0.
    if (!this.quirks.readFeaturesUnselected) yield mmioWrite(this.dev, MMIO.DeviceFeaturesSel, 1, 'drv.features.select_device_hi');
    const hi = yield mmioRead(this.dev, MMIO.DeviceFeatures, 'drv.features.read_device_hi');
    yield mmioWrite(this.dev, MMIO.DeviceFeaturesSel, 0, 'drv.features.select_device_lo');
    const lo = yield mmioRead(this.dev, MMIO.DeviceFeatures, 'drv.features.read_device_lo');
    return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  }

  /** `vm_finalize_features`: select, then write, both words (MMIO-DRV-6). */
  *finalizeFeatures(features: bigint): Process {
    yield mmioWrite(this.dev, MMIO.DriverFeaturesSel, 1, 'drv.features.select_driver_hi');
    yield mmioWrite(this.dev, MMIO.DriverFeatures, Number(features >> 32n), 'drv.features.write_driver_hi');
    yield mmioWrite(this.dev, MMIO.DriverFeaturesSel, 0, 'drv.features.select_driver_lo');
    yield mmioWrite(this.dev, MMIO.DriverFeatures, Number(features & 0xffffffffn), 'drv.features.write_driver_lo');
  }

  /** `vm_setup_vq`: allocate and zero the rings (NOTIF-DRV-4), then program the queue. */
  *setupVq(index: number, wanted: number, eventIdx: boolean, width: number): Process<Vring | undefined> {
    const dev = this.dev;
    yield mmioWrite(dev, MMIO.QueueSel, index, 'drv.vq.select');
    const inUse = yield mmioRead(dev, this.version === 1 ? MMIO_LEGACY.QueuePFN : MMIO.QueueReady, 'drv.vq.read_in_use');
    if (inUse !== 0) throw new Error(`vq${index} is already in use`);
    const max = yield mmioRead(dev, MMIO.QueueSizeMax, 'drv.vq.read_size_max');
    if (max === 0) return undefined; // the queue does not exist
    const num = this.quirks.fixedQueueSize > 0 ? this.quirks.fixedQueueSize : Math.min(wanted, max); // MMIO-DRV-7 (the quirk ignores max)
    yield mmioWrite(dev, MMIO.QueueSize, num, 'drv.vq.write_size');
    let layout;
    if (this.version === 1) {
      const size = legacyRingLayout(0, num, PAGE_SIZE).size;
      const base = this.ringMemory(index, 'legacy', size, PAGE_SIZE);
      layout = { num, ...legacyRingLayout(base, num, PAGE_SIZE) };
      yield* this.plantGuard(index, layout, eventIdx);
      yield mmioWrite(dev, MMIO_LEGACY.QueueAlign, PAGE_SIZE, 'drv.vq.write_align');
      yield mmioWrite(dev, MMIO_LEGACY.QueuePFN, base / PAGE_SIZE, 'drv.vq.write_pfn');
    } else {
      const desc = this.ringMemory(index, 'desc', splitRing.descSize(num), 16);
      const avail = this.ringMemory(index, 'avail', splitRing.availSize(num), 2);
      const used = this.ringMemory(index, 'used', splitRing.usedSize(num), 4, !this.quirks.usedRingNotZeroed); // the mutant: not zeroed (NOTIF-DRV-4)
      layout = { num, desc, avail, used };
      yield* this.plantGuard(index, layout, eventIdx);
      yield mmioWrite(dev, MMIO.QueueDescLow, desc, 'drv.vq.write_desc_lo');
      yield mmioWrite(dev, MMIO.QueueDescHigh, 0, 'drv.vq.write_desc_hi');
      yield mmioWrite(dev, MMIO.QueueDriverLow, avail, 'drv.vq.write_avail_lo');
      yield mmioWrite(dev, MMIO.QueueDriverHigh, 0, 'drv.vq.write_avail_hi');
      yield mmioWrite(dev, MMIO.QueueDeviceLow, used, 'drv.vq.write_used_lo');
      yield mmioWrite(dev, MMIO.QueueDeviceHigh, 0, 'drv.vq.write_used_hi');
      if (this.msi) yield* this.msi.mapQueue(index); // MSI hook: MAP_QUEUE / queue_msix_vector while QueueSel names the queue
      yield mmioWrite(dev, MMIO.QueueReady, 1, 'drv.vq.write_ready');
      if (this.quirks.rewriteSizeAfterReady) yield mmioWrite(dev, MMIO.QueueSize, num, 'drv.vq.rewrite_size'); // quirk: MMIO-DRV-8
    }
    const vq = new Vring(index, layout, eventIdx, width, this.quirks);
    this.vqs[index] = vq;
    yield note('drv.queueSetup', { q: index, num, desc: layout.desc, avail: layout.avail, used: layout.used });
    return vq;
  }

  /** Ring memory of each queue, kept for its set-up again after a reset (vring_del_virtqueue frees it, the next vring_create gets it back). */
  private readonly rings = new Map<string, { readonly addr: number; readonly size: number }>();

  /** Zeroed memory for one part of queue `index`'s ring (NOTIF-DRV-4): the pages it had before, if it was set up already. */
  private ringMemory(index: number, part: string, size: number, align: number, zero = true): number {
    const key = `${index}.${part}`;
    const old = this.rings.get(key);
    if (old && old.size >= size) {
      if (zero) for (let off = 0; off < size; off++) this.dma.memory.write(old.addr + off, 1, 0); // dma_alloc_coherent: zeroed
      return old.addr;
    }
    const addr = this.dma.alloc(size, align, zero);
    this.rings.set(key, { addr, size });
    return addr;
  }

  /**
   * Test-harness guard bytes (Linux does not do this): without EVENT_IDX, avail_event is no
   * one's to write, so a guard value planted there before the queue goes live shows a device
   * that writes it anyway (P-FEAT, NOTIF-DEV-1), even one whose stores are not traced.
   */
  private *plantGuard(q: number, layout: VringLayout, eventIdx: boolean): Process {
    if (eventIdx) return;
    const addr = splitRing.availEvent(layout.used, layout.num);
    this.dma.memory.write(addr, 2, SUPPRESSION_GUARD);
    yield note('drv.guard', { q, field: 'avail_event', addr, value: SUPPRESSION_GUARD });
  }

  /** `vm_notify`: write the queue index to QueueNotify (§4.2.3.3, MMIO-DRV-17). */
  *notify(vq: Vring): Process {
    yield mmioWrite(this.dev, MMIO.QueueNotify, vq.index, `drv.vq${vq.index}.notify`);
  }

  /**
   * `virtio_config_changed`: before the core enables config changes (probe not finished) a
   * change is only remembered (`config_change_pending`), and replayed by `configEnable`.
   * Check and set happen in one step (Linux: under `config_lock` with interrupts off).
   */
  *configInterrupt(cpu: number): Process {
    if (this.configEnabled || this.quirks.configCallbackDuringProbe) return yield* this.deliverConfig(cpu);
    if (!this.quirks.dropConfigWhileDisabled) this.configPending = true;
    yield note('drv.configDeferred', { cpu, kept: this.configPending });
  }

  /** `virtio_config_core_enable`, after the driver's probe: from now on changes are delivered; a pending one at once. */
  *configEnable(cpu: number): Process {
    this.configEnabled = true;
    if (this.configPending) yield* this.deliverConfig(cpu);
  }

  /** The driver's config_changed runs; nothing is pending any more. */
  private *deliverConfig(cpu: number): Process {
    this.configPending = false;
    if (this.configChanged) yield* this.configChanged(cpu);
  }

  /** `request_irq(line, vm_interrupt, IRQF_SHARED)` — or every line, for the multi-line handlers. */
  *requestIrq(): Process {
    if (!this.lineHandlers.multiLine) {
      this.irq.request(this.line, (cpu) => this.vmInterrupt(cpu));
      yield note('drv.requestIrq', { line: 0, handler: 'vm_interrupt' });
      return;
    }
    yield* this.lineHandlers.request();
  }

  // --- MSI hook ---
  /** Use MSI (profile `options`): the handlers borrow the config path and the virtqueues. */
  attachMsi(apic: LocalApics, options: MsiDriverOptions, queueCount: number): MsiDriver {
    this.msi = new MsiDriver(this.dev, apic, options, {
      config: (cpu) => this.configInterrupt(cpu),
      queue: (q, cpu) => this.queueInterrupt(q, cpu),
      count: (cpu) => { this.handlerCalls[cpu] = (this.handlerCalls[cpu] ?? 0) + 1; },
    }, queueCount);
    return this.msi;
  }

  private *queueInterrupt(q: number, cpu: number): Process<boolean> {
    const vq = this.vqs[q];
    return vq ? yield* vq.interrupt(cpu) : false;
  }

  /** Transport features the driver knows: the experimental MULTI_IRQ bit if it negotiates lines, MMIO MSI with an mmio MSI profile. */
  transportFeatures(): bigint {
    return this.lineHandlers.featureBits() | (this.msi?.featureBit ?? 0n);
  }

  /**
   * `vm_find_vqs`' interrupt part, once the features are settled: MSI first when the driver
   * has it (for MMIO, only if VIRTIO_F_EXPERIMENTAL_MMIO_MSI was negotiated, §6.3); the
   * line(s) otherwise and as the fallback.
   */
  *findVqsIrq(features: bigint): Process {
    this.lineHandlers.negotiated(features);
    yield* this.requestIrq();
    const msi = this.msi;
    if (msi && ((msi.featureBit & features) !== msi.featureBit || !(yield* msi.setup()))) {
      this.msi = undefined;
      yield note('drv.msiFallback', { profile: msi.options.profile }); // INTx: the line's handler is already requested
    }
  }
  // --- end MSI hook ---

  /**
   * `vm_interrupt` (§4.2.3.4.1, MMIO-DRV-16): read InterruptStatus, ack it *before* any
   * work — an event raised after the scan but before a late ack would be cleared unseen —
   * then config changes, then every virtqueue.
   */
  *vmInterrupt(cpu: number): Process {
    this.handlerCalls[cpu] = (this.handlerCalls[cpu] ?? 0) + 1;
    const status = yield mmioRead(this.dev, MMIO.InterruptStatus, 'drv.irq.read_status');
    const ack = this.quirks.ackAllOnes ? 0xffff_ffff : status; // the slip acks every bit, read or not (MMIO-DRV-11)
    if (!this.quirks.ackAfterProcess) yield mmioWrite(this.dev, MMIO.InterruptACK, ack, 'drv.irq.ack');
    let handled = false;
    // MMIO-DRV-10: undefined bits are ignored — each defined bit is tested on its own. The
    // quirk dispatches on equality, so any other bit set alongside hides the defined one.
    const equality = this.quirks.isrEqualityDispatch;
    const config = equality ? status === MMIO_INT.CONFIG : (status & MMIO_INT.CONFIG) !== 0;
    const vring = equality ? status === MMIO_INT.VRING : (status & MMIO_INT.VRING) !== 0;
    if (config) {
      yield* this.configInterrupt(cpu);
      handled = true;
    }
    if (vring) {
      for (const vq of this.vqs) if (vq && (yield* vq.interrupt(cpu))) handled = true;
    }
    if (this.quirks.ackAfterProcess) yield mmioWrite(this.dev, MMIO.InterruptACK, status, 'drv.irq.ack_late');
    if (!handled) this.spuriousHandlerCalls++;
    yield note('drv.irqHandled', { cpu, status, handled, config, vring }); // config / vring: the paths it took
  }
}
