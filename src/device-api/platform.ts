// Plugging a device-API implementation into a world: its platform (configuration, lines,
// recording from inside a step) and its register window on the MMIO bus.

import { type AccessSize, type Process, type World, load, note, store } from '../kernel/index.ts';
import type { InterruptController } from '../platform/interrupt-controller.ts';
import type { MmioDevice } from '../platform/mmio-bus.ts';
import type { SimConfig } from '../sim/config.ts';
import type { DeviceFactory, DeviceImplementation, DevicePlatform, DeviceRunConfig } from './types.ts';

/** The part of a run's configuration a device sees. */
export function deviceRunConfig(config: SimConfig): DeviceRunConfig {
  return {
    version: config.transport === 'mmio-v1' ? 1 : 2,
    eventIdx: config.eventIdx,
    queueNumMax: config.queueSize,
    indexWidth: config.indexWidth,
    kicks: config.kicks,
    rxPackets: config.rxPackets,
    txPackets: config.txPackets,
    announceEvery: config.announceEvery,
    maxQueuePairs: config.maxQueuePairs,
    lines: config.lines.count,
  };
}

export function devicePlatform(world: World, irq: InterruptController, irqBase: number, config: SimConfig): DevicePlatform {
  return {
    config: deviceRunConfig(config),
    irqBase,
    setIrq: (line, level, site = 'dev.set_irq') => irq.drive(line, level, site),
    note: (name, data) => world.emit(world.current, note(name, data)),
    atomicMemory: {
      read: (addr, size) => {
        const value = world.options.memory.read(addr, size);
        world.emit(world.current, load(addr, size, 'dev.sync.load'), value);
        return value;
      },
      write: (addr, size, value) => world.emitDirectStore(world.current, store(addr, size, value, 'dev.sync.store')),
    },
  };
}

/** The bus's view of an implementation: its handlers, the accessing CPU passed through. */
export class ExternalMmioDevice implements MmioDevice {
  constructor(readonly impl: DeviceImplementation) {}
  read(off: number, size: AccessSize, cpu: number): number {
    return this.impl.read(off, size, cpu) >>> 0;
  }
  write(off: number, size: AccessSize, value: number, cpu: number): Process | undefined {
    return this.impl.write(off, size, value, cpu);
  }
  accessible(): boolean {
    return this.impl.accessible ? this.impl.accessible() : true;
  }
}

/** Build the implementation for one run; a factory that throws or returns no handlers is the module's fault. */
export function instantiate(factory: DeviceFactory, platform: DevicePlatform): DeviceImplementation {
  const impl = factory(platform);
  if (!impl || typeof impl.read !== 'function' || typeof impl.write !== 'function') {
    throw new DeviceModuleError('the device factory must return an object with read(off, size, cpu) and write(off, size, value, cpu)');
  }
  return impl;
}

/** A device module that cannot be used: missing, wrong export, factory throws. One printable line. */
export class DeviceModuleError extends Error {}
