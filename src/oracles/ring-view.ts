// Where each ready queue's ring fields are and which suppression mode was negotiated, as
// the trace tells it (`dev.queueReady`, `dev.featuresOk` / legacy `dev.features`, `drv.guard`): the shared view of
// the suppression oracles (P-IRQ-MUST, P-KICK-MUST, P-FEAT's mode check, P-WRAP), and a
// mirror of the committed 16-bit ring fields.

import { splitRing } from '../../spec/facts/split-ring-layout.ts';
import { VIRTIO_F } from '../../spec/facts/feature-bits.ts';
import type { NoteData } from '../kernel/index.ts';
import type { ProtocolEvent } from './decode.ts';

/** The ring fields the suppression protocol reads and writes (§2.7.6, §2.7.8). */
export type RingField = 'availFlags' | 'availIdx' | 'usedEvent' | 'usedFlags' | 'usedIdx' | 'availEvent';

export interface QueueRings {
  readonly q: number;
  readonly num: number;
  /** Ring-index width (16 for the spec; smaller in search configurations). */
  readonly width: number;
  readonly mask: number;
  readonly addr: Readonly<Record<RingField, number>>;
}

/** The notes `trackQueues` reads (for an oracle's `notes` declaration). */
export const QUEUE_NOTES: readonly string[] = ['dev.queueReady', 'dev.reset'];

/** Keep an oracle's per-queue state in step with the queues a note makes ready, unready or resets. */
export function trackQueues<T>(states: Map<number, T>, name: string, d: NoteData, fresh: () => T): void {
  if (name === 'dev.queueReady') {
    if (d.ready === true) states.set(Number(d.q), fresh());
    else states.delete(Number(d.q));
  } else if (name === 'dev.reset') {
    states.clear();
  }
}

/**
 * One per oracle stream, shared by the oracles that need it (`SharedViews`): the stream
 * feeds it every note and commit before the oracles see the event.
 */
export class RingView {
  /** VIRTIO_F_EVENT_IDX as negotiated (FEATURES_OK accepted with the bit set). */
  eventIdx = false;
  readonly queues = new Map<number, QueueRings>();
  /** Address of a watched field → its queue and name. */
  private readonly fields = new Map<number, { readonly q: number; readonly field: RingField }>();
  /** Committed values of the watched fields (zeroed rings: absent = 0, unless guarded). */
  private readonly committed = new Map<number, number>();
  /** Guard values the driver harness planted in fields the negotiated mode leaves unused. */
  readonly guards = new Map<number, { readonly q: number; readonly field: string; readonly value: number }>();
  /** The watched field the memory event being dispatched touches (looked up once for all oracles). */
  current: { readonly q: number; readonly field: RingField } | undefined;

  /** Feed an event before the oracles see it: notes and commits update the view; memory events set `current`. */
  observe(ev: ProtocolEvent): void {
    switch (ev.t) {
      case 'note': this.onNote(ev.name, ev.data); return;
      case 'mem.commit': this.current = this.field(ev.addr, ev.size); this.commit(ev.addr, ev.size, ev.value); return;
      case 'mem.load': case 'mem.store': this.current = this.field(ev.addr, ev.size); return;
      default: return;
    }
  }

  /**
   * Whether the memory event just observed touches a watched field or a guard address:
   * oracles that declare `memory: 'ring-fields'` see only those.
   */
  touchesWatched(addr: number): boolean {
    return this.current !== undefined || (this.guards.size !== 0 && this.guards.has(addr));
  }

  /** Feed a note (the stream does, before the oracles see it). */
  onNote(name: string, d: NoteData): void {
    switch (name) {
      case 'dev.featuresOk': // FEATURES_OK accepted (§3.1.1 step 5–6)
      case 'dev.features': // a legacy device: the driver's write is in force at once
        if (name === 'dev.features' || d.accepted === true) this.eventIdx = ((Number(d.lo ?? 0) >>> VIRTIO_F.EVENT_IDX) & 1) === 1;
        return;
      case 'dev.queueReady': {
        const q = Number(d.q);
        this.drop(q);
        if (d.ready !== true) return;
        const num = Number(d.num);
        const width = d.width === undefined ? 16 : Number(d.width);
        const avail = Number(d.avail);
        const used = Number(d.used);
        const addr: Record<RingField, number> = {
          availFlags: splitRing.availFlags(avail), availIdx: splitRing.availIdx(avail), usedEvent: splitRing.usedEvent(avail, num),
          usedFlags: splitRing.usedFlags(used), usedIdx: splitRing.usedIdx(used), availEvent: splitRing.availEvent(used, num),
        };
        this.queues.set(q, { q, num, width, mask: (1 << width) - 1, addr });
        for (const [field, a] of Object.entries(addr) as [RingField, number][]) this.fields.set(a, { q, field });
        return;
      }
      case 'drv.guard':
        this.guards.set(Number(d.addr), { q: Number(d.q), field: String(d.field), value: Number(d.value) });
        this.committed.set(Number(d.addr), Number(d.value));
        return;
      case 'dev.reset':
        for (const q of [...this.queues.keys()]) this.drop(q);
        this.guards.clear();
        this.committed.clear();
        this.eventIdx = false; // renegotiated after a reset
        return;
      default:
        return;
    }
  }

  /** The watched field at `addr`, for accesses of its size (2 bytes). */
  field(addr: number, size: number): { readonly q: number; readonly field: RingField } | undefined {
    return size === 2 ? this.fields.get(addr) : undefined;
  }

  commit(addr: number, size: number, value: number): void {
    if (size === 2 && (this.fields.has(addr) || this.guards.has(addr))) this.committed.set(addr, value);
  }

  /** The committed value of a watched field of queue `rings`. */
  value(rings: QueueRings, field: RingField): number {
    return this.committed.get(rings.addr[field]) ?? 0;
  }

  private drop(q: number): void {
    const old = this.queues.get(q);
    if (!old) return;
    for (const a of Object.values(old.addr)) {
      this.fields.delete(a);
      if (!this.guards.has(a)) this.committed.delete(a); // a queue set up again starts from zeroed rings
    }
    this.queues.delete(q);
  }
}
