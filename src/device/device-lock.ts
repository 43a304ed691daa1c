// QEMU's big lock (BQL) for one device: register handlers, the ioeventfd worker and the
// net backend run serialised by it; guest memory accesses of other vCPUs do not take it.

import { type Process, type WaitEffect, wait } from '../kernel/index.ts';

export class DeviceLock {
  /** Who holds it: a context name, or undefined when free. */
  holder: string | undefined;

  get free(): boolean {
    return this.holder === undefined;
  }

  private readonly waits = new Map<string, WaitEffect>();

  /** `qemu_mutex_lock_iothread()`: wait until free, then take it in the same step. */
  *acquire(who: string): Process {
    let w = this.waits.get(who);
    if (!w) {
      w = wait(() => this.holder === undefined, `${who}.lock`);
      this.waits.set(who, w);
    }
    yield w;
    this.holder = who;
  }

  release(): void {
    this.holder = undefined;
  }
}
