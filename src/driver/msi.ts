// The driver side of message-signalled interrupts, after Linux: vector allocation as
// vp_find_vqs (virtio_pci_common.c: config on its own vector, one per queue) and the 2020
// kernel v2 vm_find_vqs (sharing mode: MAP_CONFIG, MAP_QUEUE inside vm_setup_vq); one handler
// per (cpu, vector) — the config vector runs the config change, a queue vector
// vring_interrupt for its queues, and nothing reads or acks InterruptStatus (§6.3, PCI-DRV-4);
// the message update of each profile (irq_chip_write_msi_msg); and IRQ-affinity changes while
// traffic flows (irq_set_affinity → msi_set_affinity: a new vector on the new CPU, the message
// rewritten under the irq's own lock only, the old vector freed once its IRR bit is clear,
// as x86 __vector_cleanup does).

import { type Process, mmioRead, mmioWrite, note, wait } from '../kernel/index.ts';
import {
  MMIO_MSI, MMIO_MSI_CMD, PCI_MSIX, PCI_MSIX_ENTRY, PCI_MSIX_ENTRY_CTRL_MASKBIT, PCI_MSIX_ENTRY_SIZE, PCI_MSIX_FLAGS_ENABLE,
  VIRTIO_F_EXPERIMENTAL_MMIO_MSI, VIRTIO_MSI_NO_VECTOR, type MsiProfile,
} from '../../spec/facts/msi-registers.ts';
import { featureMask } from '../../spec/facts/feature-bits.ts';
import { type MsiMessage, msiCompose } from '../../spec/facts/msi-message.ts';
import type { LocalApics } from '../platform/local-apic.ts';
import { SpinLock } from './spinlock.ts';

export interface MsiDriverOptions {
  readonly profile: MsiProfile;
  /**
   * A driver-side lock around every MsiVecSel sequence (the mmio profiles). Kernel v2 had
   * none: each update held only its own irq's lock, as Linux's irq core does.
   */
  readonly selectorLock: boolean;
  /** Give the config event a vector (vp_find_vqs always does); false: queues only, config left NO_VECTOR. */
  readonly configVector: boolean;
  /** IRQ-affinity changes while traffic flows: each queue's vector moves to the last CPU, each move run by a different CPU. */
  readonly affinityChanges: boolean;
}

/** What the transport driver lends the MSI handlers: its config-change path and its virtqueues. */
export interface MsiHandlerHooks {
  config(cpu: number): Process;
  queue(q: number, cpu: number): Process<boolean>;
  count(cpu: number): void;
}

interface Vec {
  readonly entry: number;
  cpu: number;
  vector: number;
  readonly config: boolean;
  readonly queues: number[];
  /** desc->lock of this irq: an update holds it, and only it. */
  readonly lock: SpinLock;
}

/** First vectors Linux hands out on x86 (after the legacy ones); a moved vector gets a fresh one on its new CPU. */
const FIRST_VECTOR = 0x22;
const MOVED_VECTOR = 0x41;

export class MsiDriver {
  readonly vecs: Vec[] = [];
  /** Every queue has its vector: the interrupts are in use (affinity changes may start). */
  live = false;
  private mapped = 0;
  /** The optional driver-side lock around the shared selector (mmio profiles). */
  private readonly selLock = new SpinLock();

  constructor(
    private readonly dev: number,
    private readonly apic: LocalApics,
    readonly options: MsiDriverOptions,
    private readonly hooks: MsiHandlerHooks,
    private readonly queueCount: number,
  ) {}

  private get mmio(): boolean {
    return this.options.profile !== 'pci-msix';
  }

  /** The feature the profile needs negotiated: VIRTIO_F_EXPERIMENTAL_MMIO_MSI (bit 49) for MMIO; none for pci-msix (a PCI capability). */
  get featureBit(): bigint {
    return this.mmio ? featureMask(VIRTIO_F_EXPERIMENTAL_MMIO_MSI) : 0n;
  }

  /** `vp_find_vqs` / `vm_request_msi_vectors`: allocate, program, map config, enable. False = fall back to the line. */
  *setup(): Process<boolean> {
    const dev = this.dev;
    const { configVector } = this.options;
    const needed = this.queueCount + (configVector ? 1 : 0);
    const count = this.mmio
      ? yield mmioRead(dev, MMIO_MSI.MsiVecNum, 'drv.msi.read_vec_num')
      : ((yield mmioRead(dev, PCI_MSIX.MessageControl, 'drv.msix.read_control')) & 0x7ff) + 1;
    if (count < needed) return false; // PCI-DRV-1: fewer vectors: the line (the shared-vector policy is not modelled)
    if (!this.mmio) yield mmioWrite(dev, PCI_MSIX.MessageControl, PCI_MSIX_FLAGS_ENABLE, 'drv.msix.enable'); // pci_alloc_irq_vectors
    for (let entry = 0; entry < needed; entry++) {
      const config = configVector && entry === 0;
      const v: Vec = { entry, cpu: 0, vector: FIRST_VECTOR + entry, config, queues: [], lock: new SpinLock() };
      this.vecs.push(v);
      this.apic.register(v.cpu, v.vector, (cpu) => this.handler(v, cpu)); // request_irq
      yield* this.writeMsg(v, msiCompose(v.cpu, v.vector), 'cpu0', true);
    }
    if (configVector) {
      if (this.mmio) yield* this.selected(0, [[MMIO_MSI.MsiCmd, MMIO_MSI_CMD.MAP_CONFIG, 'drv.msi.map_config']], 'cpu0');
      else {
        yield mmioWrite(dev, PCI_MSIX.ConfigMsixVector, 0, 'drv.msix.write_config_vector');
        const back = yield mmioRead(dev, PCI_MSIX.ConfigMsixVector, 'drv.msix.read_config_vector'); // PCI-DRV-3
        if (back === VIRTIO_MSI_NO_VECTOR) return false;
      }
      yield note('drv.msiMap', { kind: 'config', q: -1, entry: 0 });
    }
    if (this.mmio) yield mmioWrite(dev, MMIO_MSI.MsiCmd, MMIO_MSI_CMD.ENABLE, 'drv.msi.enable');
    yield note('drv.msiEnabled', { profile: this.options.profile, vectors: needed });
    return true;
  }

  /** Inside `vm_setup_vq` / `vp_setup_vq`, QueueSel naming `q`, before QueueReady: the queue's vector. */
  *mapQueue(q: number): Process {
    const v = this.vecs[q + (this.options.configVector ? 1 : 0)];
    if (!v) return;
    v.queues.push(q);
    if (this.mmio) yield* this.selected(v.entry, [[MMIO_MSI.MsiCmd, MMIO_MSI_CMD.MAP_QUEUE, 'drv.msi.map_queue']], 'cpu0');
    else {
      yield mmioWrite(this.dev, PCI_MSIX.QueueMsixVector, v.entry, 'drv.msix.write_queue_vector');
      const back = yield mmioRead(this.dev, PCI_MSIX.QueueMsixVector, 'drv.msix.read_queue_vector'); // PCI-DRV-3
      if (back === VIRTIO_MSI_NO_VECTOR) throw new Error(`vq${q}: the device refused vector ${v.entry}`);
    }
    yield note('drv.msiMap', { kind: 'queue', q, entry: v.entry });
    if (++this.mapped === this.queueCount) this.live = true;
  }

  /** A vector's handler (vp_vring_interrupt / vm_vring_interrupt, vp_config_changed): no status read, no ack. */
  private *handler(v: Vec, cpu: number): Process {
    this.hooks.count(cpu);
    let handled = false;
    if (v.config) { yield* this.hooks.config(cpu); handled = true; }
    for (const q of v.queues) if (yield* this.hooks.queue(q, cpu)) handled = true;
    yield note('drv.irqHandled', { cpu, status: 0, handled, entry: v.entry });
  }

  /**
   * `irq_chip_write_msi_msg` for the profile. The notes bracket what the driver means to
   * program: P-ROUTE accepts, while it is under way, the old message or the new one — never a mix.
   */
  private *writeMsg(v: Vec, msg: MsiMessage, who: string, startup = false): Process {
    yield note('drv.msiProgram', { entry: v.entry, phase: 'begin', addrLo: msg.addrLo, addrHi: msg.addrHi, data: msg.data });
    const e = v.entry;
    switch (this.options.profile) {
      case 'pci-msix': {
        // __pci_write_msi_msg: mask an unmasked entry around the update (PCIe §6.1.4.5,
        // Linux da181dc974ad) — an event in the window sets the PBA bit instead of sending a mix.
        const base = PCI_MSIX.Table + e * PCI_MSIX_ENTRY_SIZE;
        if (!startup) yield mmioWrite(this.dev, base + PCI_MSIX_ENTRY.VectorCtrl, PCI_MSIX_ENTRY_CTRL_MASKBIT, 'drv.msix.mask');
        yield mmioWrite(this.dev, base + PCI_MSIX_ENTRY.AddrLow, msg.addrLo, 'drv.msix.write_addr_lo');
        yield mmioWrite(this.dev, base + PCI_MSIX_ENTRY.AddrHigh, msg.addrHi, 'drv.msix.write_addr_hi');
        yield mmioWrite(this.dev, base + PCI_MSIX_ENTRY.Data, msg.data, 'drv.msix.write_data');
        yield mmioWrite(this.dev, base + PCI_MSIX_ENTRY.VectorCtrl, 0, startup ? 'drv.msix.startup_unmask' : 'drv.msix.unmask');
        break;
      }
      case 'mmio-msi-masked':
        // mask → write → unmask (kernel v2's mmio_msi_set_mask_bit, each a selector sequence of its own)
        yield* this.selected(e, [[MMIO_MSI.MsiCmd, MMIO_MSI_CMD.MASK, 'drv.msi.mask']], who);
        yield* this.selected(e, this.msgWrites(msg), who);
        yield* this.selected(e, [[MMIO_MSI.MsiCmd, MMIO_MSI_CMD.UNMASK, 'drv.msi.unmask']], who);
        break;
      default:
        // mmio_write_msi_msg (kernel v2): VEC_SEL, ADDR_LO, ADDR_HI, DATA, CMD_CONFIGURE — nothing masks the vector.
        yield* this.selected(e, this.msgWrites(msg), who);
    }
    yield note('drv.msiProgram', { entry: v.entry, phase: 'end', addrLo: msg.addrLo, addrHi: msg.addrHi, data: msg.data });
  }

  private msgWrites(msg: MsiMessage): [number, number, string][] {
    return [
      [MMIO_MSI.MsiAddrLow, msg.addrLo, 'drv.msi.write_addr_lo'],
      [MMIO_MSI.MsiAddrHigh, msg.addrHi, 'drv.msi.write_addr_hi'],
      [MMIO_MSI.MsiData, msg.data, 'drv.msi.write_data'],
      [MMIO_MSI.MsiCmd, MMIO_MSI_CMD.CONFIGURE, 'drv.msi.configure'],
    ];
  }

  /** MsiVecSel, then the writes that apply to the selected vector — under the selector lock if the driver has one. */
  private *selected(entry: number, writes: readonly [number, number, string][], who: string): Process {
    const lock = this.options.selectorLock;
    if (lock) yield* this.selLock.acquire(who);
    yield mmioWrite(this.dev, MMIO_MSI.MsiVecSel, entry, 'drv.msi.select');
    for (const [off, value, site] of writes) yield mmioWrite(this.dev, off, value, site);
    if (lock) this.selLock.release();
  }

  /**
   * An IRQ-affinity change (`irq_set_affinity` → `msi_set_affinity`): a fresh vector on the
   * new CPU, the message rewritten holding only this irq's lock, the old vector freed once
   * nothing is pending on it (x86 `__vector_cleanup` checks the IRR).
   */
  *moveVector(entry: number, to: number, by: number): Process {
    const v = this.vecs[entry]!;
    const who = `cpu${by}`;
    const vector = MOVED_VECTOR + entry;
    this.apic.register(to, vector, (cpu) => this.handler(v, cpu));
    yield* v.lock.acquire(who); // raw_spin_lock(&desc->lock)
    const old = { cpu: v.cpu, vector: v.vector };
    yield* this.writeMsg(v, msiCompose(to, vector), who);
    v.cpu = to;
    v.vector = vector;
    v.lock.release();
    yield wait(() => !this.apic.isPending(old.cpu, old.vector), `${who}.msi.vector_cleanup`);
    this.apic.unregister(old.cpu, old.vector);
    yield note('drv.msiMoved', { entry, from: old.cpu, to, vector });
  }

  /** The affinity changes to run as tasks: queue k's vector moves to the last CPU, the move run on CPU k mod cpus. */
  affinityMoves(cpus: number): { readonly by: number; readonly entry: number; readonly to: number }[] {
    if (!this.options.affinityChanges || cpus < 2) return [];
    const first = this.options.configVector ? 1 : 0;
    return Array.from({ length: this.queueCount }, (_, q) => ({ by: q % cpus, entry: first + q, to: cpus - 1 }));
  }
}
