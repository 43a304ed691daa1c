// Assemble a world from a configuration: guest memory, interrupt controller, MMIO bus,
// the reference (or mutant) device behind its transport, the driver on each vCPU, and
// the device's own threads (ioeventfd worker, net backend peer).

import { type ChoiceSource, World, type KernelRecord, type WorldOptions } from '../kernel/index.ts';
import { GuestMemory, DmaAllocator } from '../platform/guest-memory.ts';
import { InterruptController } from '../platform/interrupt-controller.ts';
import { MmioBus } from '../platform/mmio-bus.ts';
import { spawnVcpu } from '../platform/vcpu.ts';
import { NetDevice } from '../device/net-device.ts';
import { MmioTransportDevice } from '../transport/mmio/mmio-device.ts';
import { edgeLines } from '../transport/mmio/irq-lines.ts';
import { IdentitySlot } from '../transport/mmio/identity-slot.ts';
import { VirtioMmioDriver } from '../driver/virtio-mmio.ts';
import { NetDriver } from '../driver/net-driver.ts';
import { statusProber } from '../driver/status-prober.ts';
import type { SimConfig } from './config.ts';
import { VIRTIO_F_EXPERIMENTAL, featureMask } from '../../spec/facts/feature-bits.ts';
import { attachMsi, msiTransportFeatures } from './msi-config.ts';

/** What every simulation has, whichever device it runs (the reference, or one plugged in through the device API). */
export interface SimulationCore {
  readonly world: World;
  readonly memory: GuestMemory;
  readonly irq: InterruptController;
  readonly driver: NetDriver;
  readonly procNames: readonly string[];
}

export interface Simulation extends SimulationCore {
  readonly device: NetDevice;
  readonly transport: MmioTransportDevice;
}

const MEMORY_SIZE = 0x8000; // rings, buffers and NAPI state of the small configurations
export const DEVICE_LINE = 0;
/** What stale memory holds in the NOTIF-DRV-4 mutant: used.flags 0x0101 (NO_NOTIFY set), used.idx 257. */
const STALE_BYTE = 0x01;

/** Guest memory, bus, world and interrupt controller of a configuration, before any device is attached. */
export interface Platform {
  readonly memory: GuestMemory;
  readonly dma: DmaAllocator;
  readonly bus: MmioBus;
  readonly world: World;
  readonly irq: InterruptController;
}

export function buildPlatform(config: SimConfig, source: ChoiceSource, onRecord?: (r: KernelRecord) => void, wrap?: WorldOptions['wrap']): Platform {
  const memory = new GuestMemory(MEMORY_SIZE);
  // NOTIF-DRV-4's mutant: memory a previous user (a driver before kexec, an earlier ring) left non-zero.
  if (config.driver.usedRingNotZeroed) memory.fill(0, MEMORY_SIZE, STALE_BYTE);
  const dma = new DmaAllocator(memory);
  const bus = new MmioBus();
  const world = new World({ memory, bus, memoryModel: config.memoryModel, source, maxSteps: config.maxSteps, ...(onRecord ? { onRecord } : {}), ...(wrap ? { wrap } : {}) });
  const lineCount = config.lines.count;
  const irq = new InterruptController(world, config.cpus, DEVICE_LINE + lineCount, edgeLines(config.lines, DEVICE_LINE));
  bus.controller = irq;
  return { memory, dma, bus, world, irq };
}

/** The reference driver for the device at MMIO `slot`. */
export function attachDriver(config: SimConfig, p: Platform, slot: number): { mmio: VirtioMmioDriver; driver: NetDriver } {
  const mmio = new VirtioMmioDriver(slot, DEVICE_LINE, p.irq, p.dma, config.driver, config.cpus, { ...config.driverLines, count: config.lines.count });
  const driver = new NetDriver(mmio, p.dma, {
    cpus: config.cpus,
    queueSize: config.queueSize,
    indexWidth: config.indexWidth,
    eventIdx: config.driverKnowsEventIdx ?? config.eventIdx,
    txPackets: config.txPackets,
    napiBudget: config.napiBudget,
    resizeQueuePairsTo: config.resizeQueuePairsTo,
    spuriousKicks: config.spuriousKicks,
    needsResetRecovery: config.needsResetRecovery,
    protectedGuest: config.protectedGuest,
    // the workload's packets: the peer's, and with the echo one reply per transmit
    readMac: config.readMac,
    setMacDuringProbe: config.setMacDuringProbe,
    removeAfter: config.removeAfterWorkload ? { rxPackets: config.rxPackets + (config.txEcho ? config.txPackets : 0) } : undefined,
  });
  return { mmio, driver };
}

/** The guest: the driver on each vCPU, or the status-gating probe on vCPU 0. */
export function spawnGuest(config: SimConfig, p: Platform, mmio: VirtioMmioDriver, driver: NetDriver): void {
  if (config.workload === 'status-gating') {
    p.bus.cpuOf.set(spawnVcpu(p.world, p.irq, 0, statusProber(mmio)), 0);
  } else {
    for (let cpu = 0; cpu < config.cpus; cpu++) p.bus.cpuOf.set(spawnVcpu(p.world, p.irq, cpu, driver.cpuMain(cpu)), cpu);
  }
}

/** The reference simulation; `wrap` lets mutation testing rewrite every process's effect stream (src/mutate). */
export function buildSimulation(config: SimConfig, source: ChoiceSource, onRecord?: (r: KernelRecord) => void, wrap?: WorldOptions['wrap']): Simulation {
  const p = buildPlatform(config, source, onRecord, wrap);
  const { world, irq, bus } = p;
  const lineCount = config.lines.count;
  const device = new NetDevice({
    legacy: config.transport === 'mmio-v1',
    eventIdx: config.eventIdx,
    queueNumMax: config.queueSize,
    indexWidth: config.indexWidth,
    kicks: config.kicks,
    quirks: config.device,
    rxPackets: config.rxPackets,
    announceEvery: config.announceEvery,
    rxBurst: config.rxBurst,
    earlyAnnounce: config.earlyAnnounce,
    maxQueuePairs: config.maxQueuePairs,
    txEcho: config.txEcho,
    flows: config.flows,
    requireAccessPlatform: config.requireAccessPlatform,
    mtu: config.mtu,
    transportFeatures: (config.lines.gate === 'feature' && lineCount > 1 ? featureMask(VIRTIO_F_EXPERIMENTAL.MMIO_MULTI_IRQ) : 0n) | msiTransportFeatures(config.irqDelivery),
  });
  device.error = config.deviceError; // needs-reset: where the device meets its one error (§2.1.2)
  const transport = new MmioTransportDevice(world, irq, DEVICE_LINE, device, config.transport === 'mmio-v1' ? 1 : 2, config.lines);
  // The window the driver probes: the net device, or one it must leave alone (MMIO-DRV-3/4/5), which has no backend.
  const present = config.mmioSlot === 'net';
  const slot = bus.attach(present ? transport : IdentitySlot.of(config.mmioSlot, config.transport === 'mmio-v1' ? 1 : 2));
  const { mmio, driver } = attachDriver(config, p, slot);
  attachMsi(config, { world, irq, transport, mmio, driver }); // MSI hook: nothing for the classic line
  spawnGuest(config, p, mmio, driver);
  if (config.kicks === 'async' && present) world.spawn('dev.iothread', device.iothread());
  if (config.workload === 'net' && present) world.spawn('net.peer', device.peer());
  if (config.spuriousInterrupts > 0 && present) world.spawn('dev.spurious', device.spuriousNotifier(config.spuriousInterrupts)); // NOTIF-DRV-3 fault injection
  return { world, memory: p.memory, irq, device, transport, driver, procNames: world.procs.map((q) => q.name) };
}
