// P-IRQ-MUST and P-KICK-MUST: a notification is sent whenever the suppression rule says it
// MUST be (§2.7.7.2 NOTIF-DEV-2/3/4 for used buffers, §2.7.10.1 NOTIF-DRV-5/6 for available
// buffers). One fold serves both directions: the publisher (device: used.idx; driver:
// avail.idx) publishes, then decides by reading the other side's field (used_event /
// avail_event with EVENT_IDX, else avail.flags NO_INTERRUPT / used.flags NO_NOTIFY) over
// every entry published since its last decision, `vring_need_event(event, new, old)`.
//
// What is judged is the decision against what the publisher actually read — a stale read
// that a missing barrier allows is P-QUIESCE's to catch, not this property's:
//  - a decision that said "notify" must be paid (an interrupt raised / a kick written). The
//    device must pay before it decides again on that queue (QEMU's virtio_notify checks and
//    raises in one go under the BQL; deciding again first means the first verdict was
//    dropped). The driver only by the end of the run — any later kick pays: Linux
//    virtio-blk calls kick_prepare under the vq lock and notifies after unlocking, and
//    another CPU may add and (rightly) decide "no kick" in between;
//  - publications never followed by a decision (the publisher did not read the field the
//    negotiated mode uses) are judged against the field's value at the moment each became
//    visible: if that asked for a notification and none followed, the rule was broken.
// Notifications that carry nothing new are counted (spurious), never violations
// (NOTIF-DRV-3, NOTIF-DEV-7: both sides must cope with them).

import { VIRTQ_AVAIL_F_NO_INTERRUPT, VIRTQ_USED_F_NO_NOTIFY } from '../../spec/facts/split-ring-layout.ts';
import { vringNeedEvent } from '../../spec/formulas.ts';
import type { Oracle, OracleContext, OracleRun, SharedViews, Violation } from './types.ts';
import { type ProtocolEvent, type Side, decodeRecords } from './decode.ts';
import type { KernelRecord } from '../kernel/index.ts';
import { QUEUE_NOTES, type QueueRings, type RingField, RingView, trackQueues } from './ring-view.ts';

interface Direction {
  readonly property: 'P-IRQ-MUST' | 'P-KICK-MUST';
  readonly publisher: Side;
  readonly published: RingField;
  readonly eventField: RingField;
  readonly flagField: RingField;
  readonly flagBit: number;
  readonly eventRule: readonly string[];
  /** With EVENT_IDX, deciding without reading the event field means going by the flags: a rule of its own. */
  readonly ignoredFlagRule: readonly string[];
  readonly flagRule: readonly string[];
  readonly notification: 'interrupt' | 'kick';
  readonly judgesDriver: boolean;
  /** A "notify" verdict must be paid before the publisher's next decision on the queue (else: by the end). */
  readonly payBeforeNextDecision: boolean;
}

const USED_BUFFERS: Direction = {
  property: 'P-IRQ-MUST', publisher: 'dev', published: 'usedIdx', eventField: 'usedEvent', flagField: 'availFlags',
  flagBit: VIRTQ_AVAIL_F_NO_INTERRUPT, eventRule: ['NOTIF-DEV-4'], ignoredFlagRule: ['NOTIF-DEV-3'], flagRule: ['NOTIF-DEV-2'], notification: 'interrupt', judgesDriver: false, payBeforeNextDecision: true,
};
const AVAILABLE_BUFFERS: Direction = {
  property: 'P-KICK-MUST', publisher: 'drv', published: 'availIdx', eventField: 'availEvent', flagField: 'usedFlags',
  flagBit: VIRTQ_USED_F_NO_NOTIFY, eventRule: ['NOTIF-DRV-6'], ignoredFlagRule: [], flagRule: ['NOTIF-DRV-5'], notification: 'kick', judgesDriver: true, payBeforeNextDecision: false,
};

/** Counts for the evidence: notifications sent, and those that carried nothing new (spurious at the sender). */
export interface NotificationCounts {
  readonly sent: number;
  readonly spurious: number;
  /** Entries published (buffers made available / used). */
  readonly published: number;
}

const FIELD_NAMES: Record<RingField, string> = {
  availFlags: 'avail.flags', availIdx: 'avail.idx', usedEvent: 'used_event', usedFlags: 'used.flags', usedIdx: 'used.idx', availEvent: 'avail_event',
};

interface Publication {
  readonly old: number;
  readonly idx: number;
  readonly at: number;
  /** The other side's field when this publication became visible. */
  field: number | undefined;
  /** Under EVENT_IDX the publisher read the flags instead of the event field (NOTIF-DEV-3). */
  readFlags: boolean;
}

class QueueState {
  /** Index up to which the publisher last decided (or was covered by a notification). */
  checked = 0;
  published = 0;
  /** The index published when the last notification went out (spurious: nothing new since). */
  publishedAtLastNotification = 0;
  /** A decision said "notify" here, and no notification has followed yet. */
  owed: { readonly at: number; readonly old: number; readonly idx: number; readonly read: number } | undefined;
  readonly undecided: Publication[] = [];
}

/**
 * The first publication of `idx` not yet visible. A loop, not `find` with an arrow: a closure
 * over the event would make V8 allocate a context on every `onEvent` call, whatever the branch.
 */
function firstUnseen(undecided: readonly Publication[], idx: number): Publication | undefined {
  for (const u of undecided) if (u.idx === idx && u.field === undefined) return u;
  return undefined;
}

class NotifyRun implements OracleRun {
  readonly violations: Violation[] = [];
  private readonly state = new Map<number, QueueState>();
  sent = 0;
  spurious = 0;
  published = 0;
  /** MSI: the device's note says the message about to go out carries a config change only. */
  private configOnlySend = false;

  constructor(private readonly dir: Direction, private readonly judge: boolean, private readonly rings: RingView) {}

  private fieldName(eventIdx: boolean): string {
    return FIELD_NAMES[eventIdx ? this.dir.eventField : this.dir.flagField];
  }

  /** Does a read of `value` demand a notification for the entries (old, idx]? */
  private needs(rings: QueueRings, value: number, idx: number, old: number): boolean {
    return this.rings.eventIdx ? vringNeedEvent(value, idx, old, rings.width) : (value & this.dir.flagBit) === 0;
  }

  private report(at: number, summary: string, explanation: string, wentByFlags = false): void {
    if (this.violations.length >= 8 || (this.dir.judgesDriver && !this.judge)) return;
    const d = this.dir;
    const requirements = !this.rings.eventIdx ? d.flagRule : wentByFlags ? [...d.eventRule, ...d.ignoredFlagRule] : d.eventRule;
    this.violations.push({ property: d.property, requirements, at, summary, explanation });
  }

  private unpaid(q: number, st: QueueState, at: number, when: string): void {
    const o = st.owed!;
    const who = this.dir.publisher === 'dev' ? 'device' : 'driver';
    this.report(at, `owed ${this.dir.notification} on vq${q} never sent (${when})`,
      `Let the ${who} publish ${FIELD_NAMES[this.dir.published]} ${o.old}→${o.idx} on vq${q} and read ${this.fieldName(this.rings.eventIdx)}=${o.read} at #${o.at}. ` +
      `Then the rule requires a${this.dir.notification === 'interrupt' ? 'n interrupt' : ' kick'}: ${this.rings.eventIdx ? `vring_need_event(${o.read}, ${o.idx}, ${o.old}) holds` : 'the flag is clear'}. ` +
      `However none was sent before ${when}.`);
    st.owed = undefined;
  }

  /** A notification for `queues` (one kick; or one interrupt that serves them all): spurious when none had anything new. */
  private notify(queues: Iterable<number>): void {
    let news = false;
    for (const q of queues) {
      const st = this.state.get(q);
      if (st && (st.published !== st.publishedAtLastNotification || st.owed)) news = true;
      this.pay(q);
    }
    this.sent++;
    if (!news) this.spurious++;
  }

  private pay(q: number): void {
    const st = this.state.get(q);
    if (!st) return;
    st.publishedAtLastNotification = st.published;
    st.owed = undefined;
    st.checked = st.published; // a notification covers everything published so far
    st.undecided.length = 0;
  }

  onEvent(ev: ProtocolEvent, at: number): void {
    switch (ev.t) {
      case 'mem.store': {
        if (ev.side !== this.dir.publisher) return;
        const f = this.rings.current;
        if (!f || f.field !== this.dir.published) return;
        const st = this.state.get(f.q);
        if (!st) return;
        st.undecided.push({ old: st.published, idx: ev.value, at, field: undefined, readFlags: false });
        this.published += (ev.value - st.published) & this.rings.queues.get(f.q)!.mask;
        st.published = ev.value;
        return;
      }
      case 'mem.commit': {
        const f = this.rings.current;
        if (!f || f.field !== this.dir.published) return;
        const st = this.state.get(f.q);
        const rings = this.rings.queues.get(f.q);
        if (!st || !rings) return;
        // The moment the publication became visible: what the other side's field said then.
        const p = firstUnseen(st.undecided, ev.value);
        if (p) p.field = this.rings.value(rings, this.rings.eventIdx ? this.dir.eventField : this.dir.flagField);
        return;
      }
      case 'mem.load': {
        if (ev.side !== this.dir.publisher) return;
        const f = this.rings.current;
        if (f && this.rings.eventIdx && f.field === this.dir.flagField) {
          for (const p of this.state.get(f.q)?.undecided ?? []) p.readFlags = true; // going by the flags under EVENT_IDX
          return;
        }
        if (!f || f.field !== (this.rings.eventIdx ? this.dir.eventField : this.dir.flagField)) return;
        const st = this.state.get(f.q);
        const rings = this.rings.queues.get(f.q)!;
        if (!st || st.published === st.checked) return; // nothing new to decide about
        if (st.owed && this.dir.payBeforeNextDecision) this.unpaid(f.q, st, at, `the device decided again at #${at}`);
        // Otherwise the first unpaid "notify" is kept: any notification after it pays for it.
        if (!st.owed && this.needs(rings, ev.value, st.published, st.checked)) st.owed = { at, old: st.checked, idx: st.published, read: ev.value };
        st.checked = st.published;
        st.undecided.length = 0;
        return;
      }
      case 'drv.kick':
        if (this.dir.notification === 'kick') this.notify([ev.queue]);
        return;
      case 'msi.send':
        // MSI: an interrupt was sent. Whether it went to the vector of the queue that owed it is
        // P-ROUTE's to judge (at the send); here any interrupt pays, as the one line does — and
        // one the device sent for a config change only is no used-buffer interrupt (as the line's
        // CONFIG bit is not): it neither pays nor counts.
        if (this.dir.notification !== 'interrupt') return;
        if (this.configOnlySend) this.configOnlySend = false;
        else this.notify([...this.state.keys()]);
        return;
      case 'note':
        if (ev.name === 'drv.kick' && this.dir.notification === 'kick') this.notify([Number(ev.data.q)]);
        else if (ev.name === 'dev.msiSend') this.configOnlySend = ev.data.vring === false;
        else if (ev.name === 'dev.msiPending' && this.dir.notification === 'interrupt') {
          // MSI: a masked vector keeps the interrupt in its pending bit and sends it on unmask (PCI): paid.
          for (const q of this.state.keys()) this.pay(q);
        }
        else if (ev.name === 'dev.isr' && this.dir.notification === 'interrupt' && (Number(ev.data.set) & 1)) {
          // Classic virtio-mmio: one VRING bit and one line for every queue — the driver scans
          // them all (MMIO-DRV-16), so one used-buffer notification serves every queue.
          this.notify([...this.state.keys()]);
        } else {
          trackQueues(this.state, ev.name, ev.data, () => new QueueState());
        }
        return;
      default:
        return;
    }
  }

  finish(end: ProtocolEvent, at: number): void {
    if (end.t !== 'quiescent') return;
    for (const [q, st] of this.state) {
      if (st.owed) this.unpaid(q, st, at, 'the end of the run');
      const rings = this.rings.queues.get(q);
      if (!rings) continue;
      for (const p of st.undecided) {
        const read = p.field ?? this.rings.value(rings, this.rings.eventIdx ? this.dir.eventField : this.dir.flagField);
        if (!this.needs(rings, read, p.idx, p.old)) continue;
        const who = this.dir.publisher === 'dev' ? 'device' : 'driver';
        this.report(p.at, `${who} published ${FIELD_NAMES[this.dir.published]}=${p.idx} on vq${q} without reading ${this.fieldName(this.rings.eventIdx)}, and sent no ${this.dir.notification}`,
          `Let the ${who} publish entries ${p.old}→${p.idx} on vq${q} at #${p.at}. ` +
          `Then, when they became visible, ${this.fieldName(this.rings.eventIdx)} was ${read}, which asks for a${this.dir.notification === 'interrupt' ? 'n interrupt' : ' kick'} under the negotiated mode (${this.rings.eventIdx ? 'EVENT_IDX' : 'no EVENT_IDX'}). ` +
          `However the ${who} never read that field and sent none before the run went quiet.`, p.readFlags);
        break;
      }
    }
  }
}

/** Kicks (as notes in hand-written traces), the VRING interrupt bit, and the queues' lifetimes. */
const NOTIFY_NOTES: readonly string[] = ['drv.kick', 'dev.isr', 'dev.msiSend', 'dev.msiPending', ...QUEUE_NOTES];

export const irqMustOracle: Oracle = {
  property: 'P-IRQ-MUST',
  description: 'the device interrupts whenever used_event (EVENT_IDX) or avail.flags says it must, for what it read',
  events: ['drv.kick', 'mem.commit', 'mem.load', 'mem.store', 'msi.send', 'note'],
  notes: NOTIFY_NOTES,
  memory: 'ring-fields',
  start: (ctx: OracleContext, shared: SharedViews) => new NotifyRun(USED_BUFFERS, ctx.judgeDriver, shared.rings),
};

export const kickMustOracle: Oracle = {
  property: 'P-KICK-MUST',
  description: 'the driver kicks whenever avail_event (EVENT_IDX) or used.flags says it must, for what it read',
  events: ['drv.kick', 'mem.commit', 'mem.load', 'mem.store', 'note'],
  notes: NOTIFY_NOTES,
  memory: 'ring-fields',
  start: (ctx: OracleContext, shared: SharedViews) => new NotifyRun(AVAILABLE_BUFFERS, ctx.judgeDriver, shared.rings),
};

/** What a run cost in notifications, both directions: metrics for the evidence and the bench. */
export interface NotificationReport {
  readonly interrupts: NotificationCounts;
  readonly kicks: NotificationCounts;
  /** Interrupt handler runs, and those that found no used buffer to process (IRQ_NONE: the driver had polled them already). */
  readonly handlerRuns: number;
  readonly idleHandlerRuns: number;
  /** Handler runs per CPU (index = CPU): where the interrupt load lands. */
  readonly handlerRunsPerCpu: readonly number[];
}

export function measureNotifications(records: readonly KernelRecord[], ctx: OracleContext): NotificationReport {
  const rings = new RingView();
  const irq = new NotifyRun(USED_BUFFERS, true, rings);
  const kick = new NotifyRun(AVAILABLE_BUFFERS, true, rings);
  let handlerRuns = 0;
  let idleHandlerRuns = 0;
  const perCpu: number[] = [];
  decodeRecords(records, ctx, (ev, at) => {
    rings.observe(ev);
    irq.onEvent(ev, at);
    kick.onEvent(ev, at);
    if (ev.t === 'note' && ev.name === 'drv.irqHandled') {
      handlerRuns++;
      if (ev.data.handled !== true) idleHandlerRuns++;
      const cpu = Number(ev.data.cpu);
      for (let c = perCpu.length; c <= cpu; c++) perCpu.push(0);
      perCpu[cpu]!++;
    }
  });
  const counts = (r: NotifyRun): NotificationCounts => ({ sent: r.sent, spurious: r.spurious, published: r.published });
  return { interrupts: counts(irq), kicks: counts(kick), handlerRuns, idleHandlerRuns, handlerRunsPerCpu: perCpu };
}
