// What a QEMU mutex and a kernel spinlock share in the model: a context waits until the
// lock is free and takes it in the same step, then the acquire's locked instruction drains
// its store buffer (the fence step). Release semantics differ, so they live in the subclasses.

import { type Process, type WaitEffect, fence, wait } from '../kernel/index.ts';

export abstract class ContextLock {
  /** Who holds it: a context name, or undefined when free. */
  holder: string | undefined;
  /** One wait effect per context, built once (no allocation per acquire). */
  private readonly waits = new Map<string, WaitEffect>();

  /** `waitLabel` / `acquiredLabel` name the effects in the trace: `${who}.${label}`. */
  protected constructor(private readonly waitLabel: string, private readonly acquiredLabel: string) {}

  get free(): boolean {
    return this.holder === undefined;
  }

  *acquire(who: string): Process {
    let w = this.waits.get(who);
    if (!w) {
      w = wait(() => this.free, `${who}.${this.waitLabel}`);
      this.waits.set(who, w);
    }
    yield w;
    this.holder = who;
    yield fence('full', `${who}.${this.acquiredLabel}`);
  }
}
