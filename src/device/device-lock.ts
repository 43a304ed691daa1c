// QEMU's big lock (BQL) for one device: register handlers, the ioeventfd worker and the
// net backend run serialised by it; guest memory accesses of other vCPUs do not take it.
// `acquire` is `qemu_mutex_lock_iothread()`: taking a mutex is a locked instruction.

import { type Process, fence } from '../kernel/index.ts';
import { ContextLock } from '../platform/context-lock.ts';

export class DeviceLock extends ContextLock {
  constructor() {
    super('lock', 'lock_acquired');
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
