// P-WRAP: ring indices are free-running counters modulo 2^width (16 in the spec, §2.7.6,
// §2.7.8; smaller widths in search), and an index can never be more than a ring ahead:
//  - the device pops an entry only if the avail.idx it last read is 1..num ahead of its
//    next_avail; a distance above num is an error (rust-vmm InvalidAvailIdx, QEMU "Guest
//    moved used index") — the device must stop, never loop over the ring (BZ-VMV-01);
//  - next_avail and used.idx advance by one entry per pop / per push, modulo 2^width, and
//    used.idx never overtakes next_avail;
//  - the driver never makes more than a ring available beyond what it consumed, and never
//    moves avail.idx backwards (§2.7.6.1: the driver MUST NOT decrement avail idx).

import type { Oracle, OracleContext, OracleRun, SharedViews, Violation } from './types.ts';
import type { ProtocolEvent } from './decode.ts';
import { QUEUE_NOTES, type QueueRings, type RingView, trackQueues } from './ring-view.ts';

const RING_RULES = ['§2.7.6.1', '§2.7.13.3'];

class WrapQueue {
  availSeen = 0;
  nextAvail = 0;
  usedIdx = 0;
  availIdx = 0;
  driverLastUsed = 0;
}

class WrapRun implements OracleRun {
  readonly violations: Violation[] = [];
  private readonly queues = new Map<number, WrapQueue>();
  constructor(private readonly judgeDriver: boolean, private readonly rings: RingView) {}

  private report(driver: boolean, at: number, summary: string, explanation: string): void {
    if (this.violations.length >= 8 || (driver && !this.judgeDriver)) return;
    this.violations.push({ property: 'P-WRAP', requirements: RING_RULES, at, summary, explanation });
  }

  private ring(q: number): [QueueRings, WrapQueue] | undefined {
    const r = this.rings.queues.get(q);
    const w = this.queues.get(q);
    return r && w ? [r, w] : undefined;
  }

  onEvent(ev: ProtocolEvent, at: number): void {
    switch (ev.t) {
      case 'mem.load': {
        const f = this.rings.current;
        if (ev.side === 'dev' && f?.field === 'availIdx') this.queues.get(f.q)!.availSeen = ev.value;
        return;
      }
      case 'mem.store': {
        const f = this.rings.current;
        const qr = f && this.ring(f.q);
        if (!f || !qr) return;
        const [r, w] = qr;
        if (ev.side === 'dev' && f.field === 'usedIdx') {
          const step = (ev.value - w.usedIdx) & r.mask;
          // Forward by 1..(entries taken and not yet used): never back, never past next_avail.
          if (ev.value > r.mask || step === 0 || step > ((w.nextAvail - w.usedIdx) & r.mask)) {
            this.report(false, at, `device wrote vq${f.q} used.idx=${ev.value} after ${w.usedIdx}, with next_avail ${w.nextAvail} (${r.width}-bit indices)`,
              `used.idx counts the entries used, modulo 2^${r.width}: it moves forward and never past the entries the device took.`);
          }
          w.usedIdx = ev.value & r.mask;
        } else if (ev.side === 'drv' && f.field === 'availIdx') {
          const ahead = (ev.value - w.driverLastUsed) & r.mask;
          if (ev.value > r.mask || ahead > r.num || ((ev.value - w.availIdx) & r.mask) > r.num) {
            this.report(true, at, `driver wrote vq${f.q} avail.idx=${ev.value}: ${ahead} ahead of the ${w.driverLastUsed} it consumed, ring of ${r.num}`,
              `A ring holds ${r.num} entries: the driver cannot have more outstanding, and avail.idx never moves backwards.`);
          }
          w.availIdx = ev.value & r.mask;
        }
        return;
      }
      case 'note': {
        const d = ev.data;
        if (ev.name === 'dev.popAvail') {
          const qr = this.ring(Number(d.q));
          if (!qr) return;
          const [r, w] = qr;
          const ahead = (w.availSeen - w.nextAvail) & r.mask;
          if (ahead === 0 || ahead > r.num) {
            this.report(false, at, ahead === 0
              ? `device popped vq${r.q} entry ${w.nextAvail} the driver never made available (avail.idx read as ${w.availSeen})`
              : `device consumed vq${r.q} with avail.idx ${ahead} ahead of next_avail ${w.nextAvail}, more than a ring (${r.num})`,
            ahead === 0
              ? 'The device may only take entries below the avail.idx it read.'
              : `An avail index more than a ring ahead is an error: the device must stop using the queue (and may ask for a reset), never loop over the ring (BZ-VMV-01).`);
          }
          const next = Number(d.nextAvail);
          if (next !== ((w.nextAvail + 1) & r.mask)) {
            this.report(false, at, `device moved vq${r.q} next_avail from ${w.nextAvail} to ${next}`, `next_avail advances by one per entry, modulo 2^${r.width}.`);
          }
          w.nextAvail = next & r.mask;
        } else if (ev.name === 'drv.getUsed') {
          const w = this.queues.get(Number(d.q));
          if (w) w.driverLastUsed = Number(d.lastUsed);
        } else {
          trackQueues(this.queues, ev.name, d, () => new WrapQueue());
        }
        return;
      }
      default:
        return;
    }
  }

  finish(): void {}
}

export const wrapOracle: Oracle = {
  property: 'P-WRAP',
  description: 'ring indices move modulo 2^width, one entry at a time, never more than a ring ahead; the device never loops over a corrupt avail.idx',
  events: ['mem.load', 'mem.store', 'note'],
  notes: ['dev.popAvail', 'drv.getUsed', ...QUEUE_NOTES],
  memory: 'ring-fields',
  start: (ctx: OracleContext, shared: SharedViews) => new WrapRun(ctx.judgeDriver, shared.rings),
};
