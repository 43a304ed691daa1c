// The MMIO bus: routes register accesses to the device at each slot, and device line
// changes to the interrupt controller. A register handler runs inside the access, as a
// trapped exit does; it may hand back a continuation that runs on the trapping vCPU.

import type { AccessSize, Bus, Process } from '../kernel/index.ts';
import type { InterruptController } from './interrupt-controller.ts';

/** A device as the bus sees it: register reads and writes at offsets from its base. */
export interface MmioDevice {
  read(off: number, size: AccessSize, cpu: number): number;
  write(off: number, size: AccessSize, value: number, cpu: number): Process | undefined;
  /** False while the device's lock is held by another context; the access waits. */
  accessible(proc: number): boolean;
}

export class MmioBus implements Bus {
  private readonly devices: MmioDevice[] = [];
  /** Maps kernel process index → CPU number for vCPUs (devices see the accessing CPU). */
  readonly cpuOf = new Map<number, number>();
  /** Set once the world (which the controller records into) exists. */
  controller: InterruptController | undefined;

  attach(device: MmioDevice): number {
    this.devices.push(device);
    return this.devices.length - 1;
  }

  private device(dev: number): MmioDevice {
    const d = this.devices[dev];
    if (!d) throw new RangeError(`no device at MMIO slot ${dev}`);
    return d;
  }

  mmioRead(proc: number, dev: number, off: number, size: AccessSize): number {
    return this.device(dev).read(off, size, this.cpuOf.get(proc) ?? -1);
  }
  mmioWrite(proc: number, dev: number, off: number, size: AccessSize, value: number): Process | undefined {
    return this.device(dev).write(off, size, value, this.cpuOf.get(proc) ?? -1);
  }
  setIrq(_proc: number, line: number, level: 0 | 1): void {
    if (!this.controller) throw new Error('[kernel bug] MMIO bus used before its interrupt controller was connected');
    this.controller.setLevel(line, level);
  }
  /** A device's message write reaches the CPUs' local APICs (dropped and noted if it names no handler). */
  sendMsi(_proc: number, addr: number, data: number): void {
    if (!this.controller) throw new Error('[kernel bug] MMIO bus used before its interrupt controller was connected');
    this.controller.msi.receive(addr % 0x1_0000_0000, Math.floor(addr / 0x1_0000_0000), data); // a 64-bit address as one number
  }
  accessible(proc: number, dev: number): boolean {
    return this.device(dev).accessible(proc);
  }
}
