// A world with a device-API implementation in place of the reference device: the same
// platform, reference driver and vCPUs (sim/build.ts), then the device's own threads.

import type { ChoiceSource, KernelRecord } from '../kernel/index.ts';
import { attachDriver, buildPlatform, DEVICE_LINE, spawnGuest, type SimulationCore } from '../sim/build.ts';
import type { SimConfig } from '../sim/config.ts';
import { devicePlatform, ExternalMmioDevice, instantiate } from './platform.ts';
import type { DeviceFactory, DeviceImplementation } from './types.ts';

export interface DeviceSimulation extends SimulationCore {
  readonly device: DeviceImplementation;
}

/** Why a configuration cannot run an external device (undefined: it can). */
export function unsupportedForDevice(config: SimConfig): string | undefined {
  if (config.irqDelivery !== 'line') return `the variant delivers interrupts by ${config.irqDelivery}; plugged-in devices run the interrupt-line variants`;
  return undefined;
}

export function buildDeviceSimulation(config: SimConfig, source: ChoiceSource, factory: DeviceFactory, onRecord?: (r: KernelRecord) => void): DeviceSimulation {
  const why = unsupportedForDevice(config);
  if (why) throw new Error(why);
  const p = buildPlatform(config, source, onRecord);
  const impl = instantiate(factory, devicePlatform(p.world, p.irq, DEVICE_LINE, config));
  const slot = p.bus.attach(new ExternalMmioDevice(impl));
  const { mmio, driver } = attachDriver(config, p, slot);
  spawnGuest(config, p, mmio, driver);
  for (const [name, body] of impl.threads?.() ?? []) p.world.spawn(name, body);
  return { world: p.world, memory: p.memory, irq: p.irq, device: impl, driver, procNames: p.world.procs.map((q) => q.name) };
}

/** A simulation builder for `runOnce` / `explore` that runs `factory`'s device. */
export function deviceBuilder(factory: DeviceFactory) {
  return (config: SimConfig, source: ChoiceSource): DeviceSimulation => buildDeviceSimulation(config, source, factory);
}
