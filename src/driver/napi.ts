// NAPI, after Linux net/core/dev.c: a state word updated with cmpxchg (SCHED, MISSED),
// per-CPU poll lists, and `virtqueue_napi_schedule` / `virtqueue_napi_complete` from
// drivers/net/virtio_net.c — the re-enable + barrier + re-check pattern of §2.7.14.

import { type Process, cmpxchg, load, note, rmw, store, wait } from '../kernel/index.ts';
import type { Vring } from './vring.ts';
import { type DriverQuirks, REFERENCE_DRIVER } from './quirks.ts';

const NAPI_SCHED = 1;
const NAPI_MISSED = 2;

const NAPI_SITES = ['complete_done', 'disable', 'disable_wait', 'enable', 'init', 'load_state', 'schedule_prep'] as const;

export class Napi {
  readonly sites: Record<(typeof NAPI_SITES)[number], string>;
  constructor(readonly name: string, readonly stateAddr: number, readonly poll: (cpu: number, budget: number) => Process<number>) {
    this.sites = Object.fromEntries(NAPI_SITES.map((n) => [n, `drv.${name}.${n}`])) as Record<(typeof NAPI_SITES)[number], string>;
  }
}

export class NapiScheduler {
  /** Per-CPU poll lists (softirq work). */
  readonly pollList: Napi[][];
  constructor(cpus: number, private readonly quirks: DriverQuirks = REFERENCE_DRIVER) {
    this.pollList = Array.from({ length: cpus }, () => []);
  }

  /** A new NAPI instance starts disabled: SCHED held, so no poll runs before `enable` (netif_napi_add). */
  *init(napi: Napi): Process {
    yield store(napi.stateAddr, 4, NAPI_SCHED, napi.sites.init);
  }

  /**
   * `virtnet_napi_enable`: `napi_enable` releases SCHED, then a schedule picks up anything
   * that arrived while it was disabled (its callbacks could not schedule it then).
   */
  *enable(napi: Napi, vq: Vring, cpu: number): Process {
    yield rmw(napi.stateAddr, 4, 'andNot', NAPI_SCHED | NAPI_MISSED, napi.sites.enable);
    yield* this.schedule(napi, vq, cpu);
  }

  /**
   * One try of `napi_disable`: take SCHED if no one holds it. Linux sleeps and retries while
   * a poll owns it; the caller waits for the owner (which this CPU's softirq may be) instead.
   */
  *tryDisable(napi: Napi): Process<boolean> {
    const old = yield load(napi.stateAddr, 4, napi.sites.load_state);
    if (old & NAPI_SCHED) return false;
    return (yield cmpxchg(napi.stateAddr, 4, old, old | NAPI_SCHED, napi.sites.disable)) === old;
  }

  /** Whether no one owns `napi` (read by a waiting task; SCHED is bit 0). */
  static idle(state: number): boolean {
    return (state & NAPI_SCHED) === 0;
  }

  /**
   * `napi_disable` (virtnet_close, on driver removal): wait until no poll owns the instance,
   * then take SCHED for good — as a new instance holds it — so no poll runs again and a
   * schedule only marks MISSED. `committed` reads the state word as memory holds it.
   */
  *disable(napi: Napi, committed: (addr: number) => number): Process {
    for (;;) {
      yield wait(() => (committed(napi.stateAddr) & NAPI_SCHED) === 0, napi.sites.disable_wait); // usleep_range until !SCHED
      const old = yield load(napi.stateAddr, 4, napi.sites.load_state);
      if (old & NAPI_SCHED) continue;
      if ((yield cmpxchg(napi.stateAddr, 4, old, old | NAPI_SCHED, napi.sites.disable)) === old) return;
    }
  }

  /** `napi_schedule_prep`: take ownership (SCHED), or mark MISSED if someone owns it. */
  *schedulePrep(napi: Napi): Process<boolean> {
    let old = yield load(napi.stateAddr, 4, napi.sites.load_state);
    for (;;) {
      const next = old & NAPI_SCHED ? old | NAPI_MISSED : old | NAPI_SCHED;
      const seen = yield cmpxchg(napi.stateAddr, 4, old, next, napi.sites.schedule_prep);
      if (seen === old) return !(old & NAPI_SCHED);
      old = seen;
    }
  }

  /** `napi_complete_done`: give up ownership, unless a schedule was missed meanwhile. */
  *completeDone(napi: Napi, cpu: number): Process<boolean> {
    let old = yield load(napi.stateAddr, 4, napi.sites.load_state);
    for (;;) {
      const missed = (old & NAPI_MISSED) !== 0;
      const next = missed ? old & ~NAPI_MISSED : old & ~NAPI_SCHED;
      const seen = yield cmpxchg(napi.stateAddr, 4, old, next, napi.sites.complete_done);
      if (seen === old) {
        if (missed) this.pollList[cpu]!.push(napi); // __napi_schedule(n): poll again
        return !missed;
      }
      old = seen;
    }
  }

  /** `virtqueue_napi_schedule`: from the vring callback, in the interrupt handler. */
  *schedule(napi: Napi, vq: Vring, cpu: number): Process {
    if (yield* this.schedulePrep(napi)) {
      yield* vq.disableCb();
      this.pollList[cpu]!.push(napi);
      yield note('drv.napiSchedule', { q: vq.index, cpu });
    }
  }

  /**
   * `virtqueue_napi_complete`: re-enable callbacks *while still owning NAPI*, complete,
   * then re-check with a full barrier (in `poll`) and reschedule if entries slipped in.
   */
  *complete(napi: Napi, vq: Vring, cpu: number): Process {
    const opaque = yield* vq.enableCbPrepare();
    if (yield* this.completeDone(napi, cpu)) {
      // The mutant skips the re-check (NOTIF-DRV-9): an entry used meanwhile waits for an interrupt that never comes.
      if (!this.quirks.noRecheckAfterEnableCb && (yield* vq.poll(opaque))) yield* this.schedule(napi, vq, cpu);
    } else {
      yield* vq.disableCb();
    }
  }

  /**
   * BZ-LNX-01, Linux before cbdadbbf: `napi_complete(); if (!virtqueue_enable_cb(vq) && …)`.
   * Once NAPI is released another CPU may poll; this CPU's used_event store can then land
   * after the other's and move used_event backwards, and the check compares against the
   * other CPU's last_used: an interrupt is lost.
   */
  *completeUnlocked(napi: Napi, vq: Vring, cpu: number): Process {
    if (!(yield* this.completeDone(napi, cpu))) return;
    yield* vq.enableCbPrepare();
    const pending = yield* vq.poll(vq.lastUsedIdx);
    if (pending && (yield* this.schedulePrep(napi))) {
      yield* vq.disableCb();
      this.pollList[cpu]!.push(napi);
    }
  }
}
