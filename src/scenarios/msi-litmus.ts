// The MSI vector-update litmus: the smallest world in which a message can tear. The
// reference device's vector table and a profile's register block behind the bus, the
// reference driver's MSI side (msi.ts) on two vCPUs, and a device thread raising a few queue
// interrupts while the vCPUs move the queues' vectors to CPU 1 (IRQ-affinity changes):
// vCPU0 moves queue 0's vector, and — with `movers: 2` — vCPU1 moves queue 1's at the same
// time, both through the one MsiVecSel. Judged by P-ROUTE alone (a send is a message the
// driver fully programmed, the device keeps its vectors as the msi-vector chart says),
// which it does at every send, so every explored state is checked (midRun).

import { type ChoiceSource, type Process, World, checkpoint, locked, mmioWrite, note, wait } from '../kernel/index.ts';
import { GuestMemory } from '../platform/guest-memory.ts';
import { InterruptController } from '../platform/interrupt-controller.ts';
import { MmioBus, type MmioDevice } from '../platform/mmio-bus.ts';
import { spawnVcpu } from '../platform/vcpu.ts';
import { DeviceMsiVectors, UNMAPPED } from '../transport/msi/msi-vectors.ts';
import { MmioMsiBlock } from '../transport/msi/mmio-msi-block.ts';
import { PciMsixBlock } from '../transport/msi/pci-msix-block.ts';
import type { MsiRegisterBlock } from '../transport/msi/msi-block.ts';
import { MsiDriver } from '../driver/msi.ts';
import { MMIO } from '../../spec/facts/mmio-registers.ts';
import type { MsiProfile } from '../../spec/facts/msi-registers.ts';

export interface MsiLitmusConfig {
  readonly profile: MsiProfile;
  /** The driver's lock around each MsiVecSel sequence. */
  readonly selectorLock: boolean;
  /** Affinity changes at once: 1 (vCPU0 moves queue 0's vector) or 2 (vCPU1 moves queue 1's too). */
  readonly movers: 1 | 2;
  /** Interrupts the device raises, alternating queue 0 and queue 1. */
  readonly events: number;
  readonly maxSteps: number;
}

export const MSI_LITMUS_DEFAULTS: MsiLitmusConfig = { profile: 'mmio-msi-2020', selectorLock: false, movers: 1, events: 2, maxSteps: 2_000 };

/** The register block on the bus, with the QueueSel the mappings read. */
class BlockOnBus implements MmioDevice {
  private queueSel = 0;
  constructor(private readonly block: MsiRegisterBlock) {}
  read(off: number): number { return this.block.claims(off) ? this.block.read(off, this.queueSel) : 0; }
  write(off: number, _size: number, value: number): undefined {
    if (off === MMIO.QueueSel) this.queueSel = value;
    else if (this.block.claims(off)) this.block.write(off, value, this.queueSel);
    return undefined;
  }
  accessible(): boolean { return true; }
}

export class MsiLitmus {
  readonly world: World;
  readonly irq: InterruptController;
  readonly vectors: DeviceMsiVectors;
  readonly driver: MsiDriver;
  private raised = 0;

  constructor(readonly config: MsiLitmusConfig, source: ChoiceSource, record = true) {
    const bus = new MmioBus();
    this.world = new World({ memory: new GuestMemory(0x10), bus, memoryModel: 'sc', source, maxSteps: config.maxSteps, ...(record ? {} : { onRecord: () => {} }) });
    this.irq = new InterruptController(this.world, 2, 1);
    bus.controller = this.irq;
    const pci = config.profile === 'pci-msix';
    this.vectors = new DeviceMsiVectors(this.world, this.irq.msi, 2, 2, { resetEntry: UNMAPPED, maskedAtReset: pci });
    const block = pci ? new PciMsixBlock(this.vectors) : new MmioMsiBlock(this.vectors, config.profile === 'mmio-msi-latched' ? 'latched' : 'live');
    const dev = bus.attach(new BlockOnBus(block));
    this.driver = new MsiDriver(dev, this.irq.msi, { profile: config.profile, selectorLock: config.selectorLock, configVector: false, affinityChanges: true }, {
      config: function* () {},
      queue: function* (q, cpu) { yield note('drv.vringInterrupt', { q, cpu }); return true; },
      count: () => {},
    }, 2);
    this.vectors.reset(); // the driver's probe begins with a reset: the oracle learns the mask state from it
    bus.cpuOf.set(spawnVcpu(this.world, this.irq, 0, this.cpu0(dev)), 0);
    bus.cpuOf.set(spawnVcpu(this.world, this.irq, 1, this.cpu1()), 1);
    this.world.spawn('dev.worker', this.device());
  }

  get procNames(): readonly string[] {
    return this.world.procs.map((p) => p.name);
  }

  /** vCPU0: find_vqs (vectors, mappings), then move queue 0's vector to CPU 1. */
  private *cpu0(dev: number): Process {
    if (!(yield* this.driver.setup())) throw new Error('MSI setup failed');
    for (const q of [0, 1]) {
      yield mmioWrite(dev, MMIO.QueueSel, q, 'drv.vq.select');
      yield* this.driver.mapQueue(q);
    }
    yield* this.driver.moveVector(0, 1, 0);
    yield checkpoint('cpu0.idle');
    yield wait(() => false, 'cpu0.idle');
  }

  /** vCPU1: with two movers, move queue 1's vector to CPU 1 while vCPU0 moves queue 0's. */
  private *cpu1(): Process {
    if (this.config.movers === 2) {
      yield wait(() => this.driver.live, 'cpu1.wait_live');
      yield* this.driver.moveVector(1, 1, 1);
    }
    yield checkpoint('cpu1.idle');
    yield wait(() => false, 'cpu1.idle');
  }

  /** The device: once the queues have vectors, raise `events` interrupts (msix_notify under its lock). */
  private *device(): Process {
    yield wait(() => this.driver.live, 'dev.wait_live');
    while (this.raised < this.config.events) {
      const q = this.raised % 2;
      this.raised++;
      yield locked(() => this.vectors.raise('vring', q), 'dev.notify_vring');
    }
  }
}
