// P-WRAP: ring indices are free-running counters modulo 2^width (16 in the spec, §2.7.6,
// §2.7.8; smaller widths in search), and an index can never be more than a ring ahead:
//  - the device pops an entry only if the avail.idx it last read is 1..num ahead of its
//    next_avail; a distance above num is an error (rust-vmm InvalidAvailIdx, QEMU "Guest
//    moved used index") — the device must stop, never loop over the ring (BZ-VMV-01);
//  - next_avail and used.idx advance by one entry per pop / per push, modulo 2^width, and
//    used.idx never overtakes next_avail;
//  - the driver never makes more than a ring available beyond what it consumed, and never
//    moves avail.idx backwards (§2.7.6.1: the driver MUST NOT decrement avail idx);
//  - each side takes only entries below the index it read: the driver consumes used.ring[i]
//    only if the used.idx it last read is past i, the device pops avail.ring[i] only if the
//    avail.idx it last read is past i. Taking one that the other side never published is
//    taking a notification for a buffer — notifications may be spurious and both sides MUST
//    cope (§2.7.7.1 NOTIF-DRV-3, §2.7.10.2 NOTIF-DEV-7);
//  - used-ring fields the device has not written yet read as 0: the driver zeroes the used
//    ring when it allocates it (§2.7.10.1 NOTIF-DRV-4; the harness's guard excepted).

import type { Oracle, OracleContext, OracleRun, SharedViews, Violation } from './types.ts';
import type { ProtocolEvent } from './decode.ts';
import { QUEUE_NOTES, type QueueRings, type RingField, type RingView, trackQueues } from './ring-view.ts';

const RING_RULES = ['§2.7.6.1', '§2.7.13.3'];

/** The used-ring fields, as bits: which ones the device has written (NOTIF-DRV-4). */
const USED_RING_FIELD: Partial<Record<RingField, number>> = { usedFlags: 1, usedIdx: 2, availEvent: 4 };

class WrapQueue {
  availSeen = 0;
  nextAvail = 0;
  usedIdx = 0;
  availIdx = 0;
  driverLastUsed = 0;
  /** The used.idx the driver last read (loads of it are monotone: the device only moves it forward). */
  usedSeen = 0;
  /** Used-ring fields the device has stored to (USED_RING_FIELD bits). */
  deviceWrote = 0;
  /**
   * Publication order (NOTIF-DRV-7): the head the driver put at each avail index, and the
   * head the device took at one whose `drv.addAvail` note has not come yet (the driver's
   * avail.idx store can become visible, and the device act on it, before the driver's next
   * effect, the note). Each entry lives only until the other side's event matches it.
   */
  readonly published = new Map<number, number>();
  readonly popped = new Map<number, { head: number; at: number }>();
}

class WrapRun implements OracleRun {
  readonly violations: Violation[] = [];
  private readonly queues = new Map<number, WrapQueue>();
  constructor(private readonly judgeDriver: boolean, private readonly rings: RingView) {}

  private report(driver: boolean, at: number, summary: string, explanation: string, requirements: readonly string[] = RING_RULES): void {
    if (this.violations.length >= 8 || (driver && !this.judgeDriver)) return;
    this.violations.push({ property: 'P-WRAP', requirements, at, summary, explanation });
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
        if (!f) return;
        if (ev.side === 'dev') {
          if (f.field === 'availIdx') this.queues.get(f.q)!.availSeen = ev.value;
        } else if (ev.side === 'drv') {
          const used = USED_RING_FIELD[f.field];
          if (used === undefined) return;
          const qr = this.ring(f.q);
          if (!qr) return;
          const [r, w] = qr;
          if (f.field === 'usedIdx') w.usedSeen = ev.value;
          if (!(w.deviceWrote & used)) this.checkZeroed(r, f.field, ev.value, at);
        }
        return;
      }
      case 'mem.store': {
        const f = this.rings.current;
        const qr = f && this.ring(f.q);
        if (!f || !qr) return;
        const [r, w] = qr;
        if (ev.side === 'dev') w.deviceWrote |= USED_RING_FIELD[f.field] ?? 0;
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
          if (ahead === 0) {
            // Not even published by the driver: the device took a kick for a buffer (NOTIF-DEV-7).
            const unpublished = ((w.availIdx - w.nextAvail) & r.mask) === 0;
            this.report(false, at, `device popped vq${r.q} entry ${w.nextAvail} beyond the avail.idx it read (${w.availSeen})${unpublished ? ', an entry the driver never made available' : ''}`,
              `Let the device have read avail.idx = ${w.availSeen} on vq${r.q}, with next_avail ${w.nextAvail}. Then it may take only entries below ${w.availSeen}. ` +
              (unpublished
                ? `However it took entry ${w.nextAvail}, which the driver had not published (its avail.idx is ${w.availIdx}): nothing but a kick can have told it there was one, and a kick may carry nothing new — the device must tolerate spurious kicks (NOTIF-DEV-7) and read avail.idx.`
                : `However it took entry ${w.nextAvail} without reading the avail.idx that publishes it.`),
              unpublished ? ['NOTIF-DEV-7', ...RING_RULES] : RING_RULES);
          } else if (ahead > r.num) {
            this.report(false, at, `device consumed vq${r.q} with avail.idx ${ahead} ahead of next_avail ${w.nextAvail}, more than a ring (${r.num})`,
              `An avail index more than a ring ahead is an error: the device must stop using the queue (and may ask for a reset), never loop over the ring (BZ-VMV-01).`);
          }
          const taken = w.nextAvail;
          const head = Number(d.head);
          const put = w.published.get(taken);
          if (put === undefined) w.popped.set(taken, { head, at });
          else {
            w.published.delete(taken);
            if (put !== head) this.outOfOrder(r, taken, put, head, at);
          }
          const next = Number(d.nextAvail);
          if (next !== ((w.nextAvail + 1) & r.mask)) {
            this.report(false, at, `device moved vq${r.q} next_avail from ${w.nextAvail} to ${next}`, `next_avail advances by one per entry, modulo 2^${r.width}.`);
          }
          w.nextAvail = next & r.mask;
        } else if (ev.name === 'drv.addAvail') {
          const qr = this.ring(Number(d.q));
          if (!qr) return;
          const [r, w] = qr;
          const idx = (Number(d.availIdx) - 1) & r.mask;
          const head = Number(d.head);
          const pop = w.popped.get(idx);
          if (pop === undefined) w.published.set(idx, head);
          else {
            w.popped.delete(idx);
            if (pop.head !== head) this.outOfOrder(r, idx, head, pop.head, at);
          }
        } else if (ev.name === 'drv.detachUnused') {
          const qr = this.ring(Number(d.q));
          if (qr) qr[1].published.delete(Number(d.availIdx) & qr[0].mask); // the entry taken back (avail.idx moved back over it)
        } else if (ev.name === 'drv.getUsed') {
          const qr = this.ring(Number(d.q));
          if (!qr) return;
          const [r, w] = qr;
          const consumed = w.driverLastUsed;
          const ahead = (w.usedSeen - consumed) & r.mask;
          if (ahead === 0 || ahead > r.num) this.consumedUnread(r, w, consumed, at);
          w.driverLastUsed = Number(d.lastUsed) & r.mask;
        } else {
          trackQueues(this.queues, ev.name, d, () => new WrapQueue());
        }
        return;
      }
      default:
        return;
    }
  }

  /** The device took a head the driver did not put at that avail index: it saw avail.idx before the entry (NOTIF-DRV-7). */
  private outOfOrder(r: QueueRings, idx: number, put: number, took: number, at: number): void {
    this.report(true, at, `device took head ${took} at vq${r.q} avail index ${idx}, where the driver put head ${put}`,
      `Let the driver put head ${put} in avail.ring[${idx} mod ${r.num}] and then publish it by moving avail.idx past ${idx}. Then a device that reads avail.idx, then the entry, finds head ${put}. ` +
      `However it found ${took}: the new avail.idx became visible before the ring entry it publishes — the driver must issue a write barrier between them (§2.7.13.3.1, NOTIF-DRV-7; on x86 the stores stay in order, on weaker machines they need smp_wmb).`,
      ['NOTIF-DRV-7']);
  }

  /** The driver consumed used.ring[consumed] without a used.idx read past it. */
  private consumedUnread(r: QueueRings, w: WrapQueue, consumed: number, at: number): void {
    // Not even published by the device: the driver took a notification for a buffer (NOTIF-DRV-3).
    const devAhead = (w.usedIdx - consumed) & r.mask;
    const unpublished = devAhead === 0 || devAhead > r.num;
    this.report(true, at, `driver consumed vq${r.q} used entry ${consumed} beyond the used.idx it read (${w.usedSeen})${unpublished ? ', an entry the device never used' : ''}`,
      `Let the driver have read used.idx = ${w.usedSeen} on vq${r.q}, having consumed up to ${consumed}. Then it may consume only entries below ${w.usedSeen}. ` +
      (unpublished
        ? `However it consumed entry ${consumed}, which the device had not published (its used.idx is ${w.usedIdx}): nothing but a notification can have told it there was one, and a notification may be spurious — the driver must tolerate them (NOTIF-DRV-3) and read used.idx (vring_interrupt: \`if (!more_used(vq)) return IRQ_NONE\`).`
        : `However it consumed entry ${consumed} without reading the used.idx that publishes it.`),
      unpublished ? ['NOTIF-DRV-3', ...RING_RULES] : RING_RULES);
  }

  /** A driver read of a used-ring field the device has not written: it must find the zero of allocation (or the harness's guard). */
  private checkZeroed(r: QueueRings, field: RingField, value: number, at: number): void {
    const expected = this.rings.value(r, field); // 0, or the guard the harness planted
    if (value === expected) return;
    this.report(true, at, `driver read vq${r.q} ${FIELD_LABEL[field]}=${value} before the device ever wrote it (expected ${expected})`,
      `Let the device not yet have written ${FIELD_LABEL[field]} of vq${r.q}. Then the driver reads what it left there at allocation, which MUST be zero (§2.7.10.1: the driver MUST initialize the used ring's flags to 0 when allocating it; the transports' set-up says "allocate and zero"). ` +
      `However it read ${value}: the used ring was not zeroed${field === 'usedFlags' && (value & 1) ? ' — a stale NO_NOTIFY flag silences the driver\'s kicks' : field === 'usedIdx' ? ' — a stale used.idx makes the driver consume entries the device never used' : ''}.`,
      ['NOTIF-DRV-4']);
  }

  finish(): void {}
}

const FIELD_LABEL: Record<RingField, string> = {
  availFlags: 'avail.flags', availIdx: 'avail.idx', usedEvent: 'used_event', usedFlags: 'used.flags', usedIdx: 'used.idx', availEvent: 'avail_event',
};

export const wrapOracle: Oracle = {
  property: 'P-WRAP',
  description: 'ring indices move modulo 2^width, one entry at a time, never more than a ring ahead; the device never loops over a corrupt avail.idx; each side takes only entries below the index it read (spurious notifications tolerated); unwritten used-ring fields read 0',
  events: ['mem.load', 'mem.store', 'note'],
  notes: ['dev.popAvail', 'drv.getUsed', 'drv.addAvail', 'drv.detachUnused', ...QUEUE_NOTES],
  memory: 'ring-fields',
  start: (ctx: OracleContext, shared: SharedViews) => new WrapRun(ctx.judgeDriver, shared.rings),
};
