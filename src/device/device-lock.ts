// QEMU's big lock (BQL) for one device: register handlers, the ioeventfd worker and the
// net backend run serialised by it; guest memory accesses of other vCPUs do not take it.

import { type Process, wait } from '../kernel/index.ts';

export class DeviceLock {
  /** Who holds it: a context name, or undefined when free. */
  holder: string | undefined;

  get free(): boolean {
    return this.holder === undefined;
  }

  /** `qemu_mutex_lock_iothread()`: wait until free, then take it in the same step. */
  *acquire(who: string): Process {
    yield wait(() => this.holder === undefined, `${who}.lock`);
    this.holder = who;
  }

  release(): void {
    this.holder = undefined;
  }
}
