// A kernel spinlock between driver contexts (`spin_lock` / `__netif_tx_lock`): wait until
// free and take it in the same step; the acquire is a locked instruction (drains the store
// buffer), the release a plain store with release semantics (x86 `spin_unlock`).

import { ContextLock } from '../platform/context-lock.ts';

export class SpinLock extends ContextLock {
  constructor() {
    super('spin_lock', 'spin_lock_acquired');
  }

  release(): void {
    this.holder = undefined;
  }
}
