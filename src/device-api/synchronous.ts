// The coarse adapter: an existing synchronous device implementation (register handlers that
// touch guest memory directly, a poll for backend work) runs with each call as one atomic
// step. Its memory accesses are recorded, so every oracle still judges the rings; what is
// lost is any interleaving inside a call, and TSO inside it (a call behaves as if fenced).

import { type AccessSize, type NoteData, type Process, locked, wait } from '../kernel/index.ts';
import type { DeviceFactory, DeviceRunConfig, GuestMemoryAccess } from './types.ts';

/**
 * What a synchronous implementation is given: guest memory, its interrupt lines, notes.
 * Every call is recorded in the step of the register access or poll that made it.
 * @public
 */
export interface SynchronousHost {
  readonly config: DeviceRunConfig;
  readonly irqBase: number;
  readonly memory: GuestMemoryAccess;
  setIrq(line: number, level: 0 | 1): void;
  note(name: string, data: NoteData): void;
}

/**
 * A device as a plain object with synchronous methods (a QEMU-style C device, a VMM's Rust
 * device behind bindings). `read`/`write` are the virtio-mmio register window and may touch
 * guest memory (a QueueNotify handled inside the write); `poll` does backend work (deliver
 * a received packet) and runs on a device thread whenever `hasWork` — which must be a pure
 * function of the device's own state — says so.
 * @public
 */
export interface SynchronousDevice {
  read(off: number, size: AccessSize): number;
  write(off: number, size: AccessSize, value: number): void;
  hasWork?(): boolean;
  poll?(): void;
}

/**
 * Adapt a synchronous implementation to the device API: each `read`, `write` and `poll`
 * is one atomic step (no other process runs inside it; its stores are visible when it returns).
 * @example
 * export default fromSynchronousDevice((host) => new MyDevice(host));
 * @public
 */
export function fromSynchronousDevice(create: (host: SynchronousHost) => SynchronousDevice): DeviceFactory {
  return (platform) => {
    const dev = create({
      config: platform.config,
      irqBase: platform.irqBase,
      memory: platform.atomicMemory,
      setIrq: (line, level) => platform.setIrq(line, level, 'dev.sync.set_irq'),
      note: (name, data) => platform.note(name, data),
    });
    return {
      read: (off, size) => dev.read(off, size),
      write: (off, size, value) => { dev.write(off, size, value); return undefined; },
      threads: () => (dev.poll && dev.hasWork ? [['dev.sync.poll', pollThread(dev)] as const] : []),
    };
  };
}

function* pollThread(dev: SynchronousDevice): Process {
  // The scheduler evaluates `hasWork` outside any step: a throw is kept and rethrown in the
  // next step, where it is the device's fault (P-FAULT), not the simulator's.
  let thrown: unknown;
  const work = wait(() => {
    try {
      return dev.hasWork!();
    } catch (err) {
      thrown ??= err;
      return true;
    }
  }, 'dev.sync.wait_work');
  const poll = locked(() => {
    if (thrown !== undefined) throw thrown;
    dev.poll!();
  }, 'dev.sync.poll');
  for (;;) {
    yield work;
    yield poll;
  }
}
