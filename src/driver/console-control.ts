// virtio-console MULTIPORT control queues (§5.3.6.2, §5.3.6.3): the driver gives the control
// receiveq (2) buffers, then sends VIRTIO_CONSOLE_DEVICE_READY and PORT_READY for port 0 on
// the control transmitq (3), as Linux drivers/char/virtio_console.c does at probe.

import { type Process, note, wait } from '../kernel/index.ts';
import type { VirtioPciConsoleDriver } from './virtio-pci.ts';
import type { Vring } from './vring.ts';

/** `struct virtio_console_control` events (§5.3.6.2). */
export const CONSOLE_CTRL = { DEVICE_READY: 0, DEVICE_ADD: 1, PORT_READY: 3, CONSOLE_PORT: 4, RESIZE: 5, PORT_OPEN: 6, PORT_NAME: 7 } as const;
export const VIRTIO_CONSOLE_F_MULTIPORT = 1n << 1n;

const CTRL_BUF = 32;

export function consoleControl(drv: VirtioPciConsoleDriver, receiveBuffers: number) {
  let c_ivq: Vring | undefined;
  let c_ovq: Vring | undefined;
  let sent = 0;
  const send = function* (event: number, id: number, value: number): Process {
    const buf = drv.dma().alloc(8, 8);
    drv.dma().memory.write(buf, 4, id);
    drv.dma().memory.write(buf + 4, 2, event);
    drv.dma().memory.write(buf + 6, 2, value);
    yield note('drv.consoleControl', { id, event, value });
    yield* c_ovq!.add(buf, 8, false, 100 + sent++);
    if (yield* c_ovq!.kickPrepare()) yield* drv.notify(c_ovq!);
  };
  return {
    *setup(): Process {
      c_ivq = yield* drv.setupVq(2);
      c_ovq = yield* drv.setupVq(3);
      if (!c_ivq || !c_ovq) throw new Error('virtio-console: MULTIPORT without control queues');
      c_ivq.callback = (cpu) => drv.reclaim(c_ivq!, cpu);
      c_ovq.callback = (cpu) => drv.reclaim(c_ovq!, cpu);
    },
    *run(): Process {
      for (let k = 0; k < receiveBuffers; k++) yield* c_ivq!.add(drv.dma().alloc(CTRL_BUF, 8), CTRL_BUF, true, 200 + k);
      if (yield* c_ivq!.kickPrepare()) yield* drv.notify(c_ivq!);
      yield* send(CONSOLE_CTRL.DEVICE_READY, 0, 1);
      yield wait(() => (drv.used[3] ?? 0) >= 1 || drv.broken.has(3), 'drv.console.wait_device_ready');
      yield* send(CONSOLE_CTRL.PORT_READY, 0, 1);
      yield wait(() => (drv.used[3] ?? 0) >= 2 || drv.broken.has(3), 'drv.console.wait_port_ready');
    },
  };
}
