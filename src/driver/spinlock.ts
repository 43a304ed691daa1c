// A kernel spinlock between driver contexts (`spin_lock` / `__netif_tx_lock`): wait until
// free and take it in the same step; the acquire is a locked instruction (drains the store
// buffer), the release a plain store with release semantics (x86 `spin_unlock`).
//
// Release under x86-TSO: the unlock store enters the store buffer behind the critical
// section's stores, so another CPU sees the lock free only once they are visible. Without
// this, a CPU could take the lock and find the previous holder's stores still unwritten —
// e.g. virtnet_poll_tx's disable_cb landing after start_xmit's enable_cb_delayed, leaving
// NO_INTERRUPT set on the tx ring for good (a lost interrupt no real x86 allows). Modelled
// as "free once the releaser's buffer has drained", which also waits for stores made after
// the unlock: a slight over-approximation (they are unprotected data anyway).

import { ContextLock } from '../platform/context-lock.ts';
import { type StoreBuffer, runningStoreBuffer } from '../kernel/index.ts';

export class SpinLock extends ContextLock {
  /** The releaser's store buffer while it still holds stores from before the unlock. */
  private releasedBehind: StoreBuffer | undefined;

  constructor() {
    super('spin_lock', 'spin_lock_acquired');
  }

  override get free(): boolean {
    if (this.holder !== undefined) return false;
    return this.releasedBehind === undefined || this.releasedBehind.length === 0;
  }

  release(): void {
    const buffer = runningStoreBuffer();
    this.releasedBehind = buffer !== undefined && buffer.length > 0 ? buffer : undefined;
    this.holder = undefined;
  }
}
