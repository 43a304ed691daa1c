// A vCPU: a process that takes interrupts. Between two of its own steps the controller
// may deliver an interrupt; the handler then runs nested on it, with interrupts off,
// and its steps interleave with every other process.

import type { InterruptInput, Process, World } from '../kernel/index.ts';
import type { InterruptController } from './interrupt-controller.ts';

export function spawnVcpu(world: World, controller: InterruptController, cpu: number, body: Process): number {
  const input: InterruptInput = {
    pending: () => controller.pendingFor(cpu) >= 0,
    take: () => controller.take(cpu),
    done: (line) => controller.endOfInterrupt(line),
  };
  return world.spawn(`vCPU${cpu}`, body, { interrupts: input });
}
