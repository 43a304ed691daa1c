// A kernel spinlock between driver contexts (`spin_lock` / `__netif_tx_lock`): wait until
// free and take it in the same step; the acquire is a locked instruction (drains the store
// buffer), the release a plain store with release semantics (x86 `spin_unlock`).

import { type Process, type WaitEffect, fence, wait } from '../kernel/index.ts';

export class SpinLock {
  private holder: string | undefined;
  private readonly waits = new Map<string, WaitEffect>();

  *acquire(who: string): Process {
    let w = this.waits.get(who);
    if (!w) {
      w = wait(() => this.holder === undefined, `${who}.spin_lock`);
      this.waits.set(who, w);
    }
    yield w;
    this.holder = who;
    yield fence('full', `${who}.spin_lock_acquired`);
  }

  release(): void {
    this.holder = undefined;
  }
}
