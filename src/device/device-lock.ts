// QEMU's big lock (BQL) for one device: register handlers, the ioeventfd worker and the
// net backend run serialised by it; guest memory accesses of other vCPUs do not take it.

import { type Process, type WaitEffect, fence, wait } from '../kernel/index.ts';

export class DeviceLock {
  /** Who holds it: a context name, or undefined when free. */
  holder: string | undefined;

  get free(): boolean {
    return this.holder === undefined;
  }

  private readonly waits = new Map<string, WaitEffect>();

  /**
   * `qemu_mutex_lock_iothread()`: wait until free, then take it in the same step. Taking a
   * mutex is a locked instruction: it drains this thread's store buffer (the fence step).
   */
  *acquire(who: string): Process {
    let w = this.waits.get(who);
    if (!w) {
      w = wait(() => this.holder === undefined, `${who}.lock`);
      this.waits.set(who, w);
    }
    yield w;
    this.holder = who;
    yield fence('full', `${who}.lock_acquired`);
  }

  /** Take the lock in a step that already holds it free (a register handler's exit). */
  take(who: string): void {
    this.holder = who;
  }

  /**
   * Release: a locked instruction too, so every store made under the lock is visible before
   * the next holder runs — the handoff between device threads never reorders their stores.
   */
  *release(who: string): Process {
    yield fence('full', `${who}.lock_release`);
    this.holder = undefined;
  }
}
