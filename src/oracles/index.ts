// All oracles, and one pass that decodes a run's records once and feeds every oracle.

import type { KernelRecord } from '../kernel/index.ts';
import { EVENT_KINDS, type ProtocolEvent, recordDecoder } from './decode.ts';
import { RingView } from './ring-view.ts';
import type { Oracle, OracleContext, OracleRun, Violation } from './types.ts';
import { quiesceOracle } from './p-quiesce.ts';
import { isrOracle } from './p-isr.ts';
import { statusOracle } from './p-status.ts';
import { featureOracle } from './p-feat.ts';
import { suppressionModeOracle } from './p-suppression-mode.ts';
import { irqMustOracle, kickMustOracle } from './p-notify.ts';
import { wrapOracle } from './p-wrap.ts';
import { cfgOracle } from './p-cfg.ts';
import { routeLinesOracle } from './p-route-lines.ts';
import { mqOracle } from './p-mq.ts';
import { queueReadyOracle } from './p-queue-ready.ts';
import { routeMsiOracle } from './p-route-msi.ts';
import { mmioOracle } from './p-mmio.ts';

export type { Oracle, OracleContext, Violation, OracleProperty } from './types.ts';
export { decodeRecords, type ProtocolEvent } from './decode.ts';

export const ORACLES: readonly Oracle[] = [statusOracle, queueReadyOracle, featureOracle, suppressionModeOracle, isrOracle, irqMustOracle, kickMustOracle, wrapOracle, cfgOracle, mqOracle, routeLinesOracle, routeMsiOracle, mmioOracle, quiesceOracle];
export { measureNotifications, type NotificationCounts, type NotificationReport } from './p-notify.ts';

/** Every violation the oracles find in `records`, ordered by where it happened. */
export function checkRecords(records: readonly KernelRecord[], ctx: OracleContext, oracles: readonly Oracle[] = ORACLES): Violation[] {
  const stream = new OracleStream(ctx, oracles, false);
  stream.pushAll(records);
  return stream.finish();
}

/**
 * The oracles over a stream of records, one at a time (a run too long to keep its trace, a
 * large imported trace): memory stays bounded by the oracles' own state.
 */
export class OracleStream {
  private readonly runs: OracleRun[];
  private readonly out: Violation[] = [];
  private readonly decode: (records: readonly KernelRecord[], base: number) => void;
  private count = 0;
  private last: KernelRecord | undefined;
  /**
   * Records of the step in progress: a register read is recorded before its handler runs
   * (the handler's own records follow it) and gets its result only when the step ends.
   */
  private readonly pending: KernelRecord[] = [];

  /**
   * `live`: records arrive as the world makes them (its `onRecord`), so a register read's
   * result is filled in only when its step ends; false for finished traces (no buffering).
   */
  constructor(ctx: OracleContext, oracles: readonly Oracle[] = ORACLES, private readonly live = true) {
    const rings = new RingView();
    const runs = (this.runs = oracles.map((o) => o.start(ctx, { rings })));
    const out = this.out;
    const route = EventRoutes.of(oracles);
    // Each run's onEvent, looked up once: the runs are of nine classes, so `runs[k].onEvent`
    // in the loop below would be a megamorphic lookup per event and oracle (a run that swapped
    // its onEvent after start would not be heard; none does).
    const handlers = runs.map((r) => r.onEvent);
    this.decode = recordDecoder(ctx, (ev, at) => {
      let list: readonly number[];
      switch (ev.t) { // the frequent kinds first
        case 'mem.commit': case 'mem.load': case 'mem.store':
          rings.observe(ev);
          list = rings.touchesWatched(ev.addr) ? route.kind(ev.t) : route.anyMemory(ev.t);
          break;
        case 'note':
          rings.onNote(ev.name, ev.data);
          list = route.note(ev.name);
          break;
        case 'quiescent': case 'budget':
          for (const r of runs) r.finish(ev, at);
          return;
        case 'fault':
          out.push({ property: 'P-FAULT', requirements: [], at, summary: `process ${ev.proc} failed: ${ev.message}`, explanation: 'The implementation under test threw; its run ended there.' });
          return;
        default:
          list = route.kind(ev.t);
      }
      for (let i = 0; i < list.length; i++) { const k = list[i]!; handlers[k]!.call(runs[k], ev, at); }
    });
  }

  push(r: KernelRecord): void {
    if (!this.live) {
      this.decode([r], this.count++);
      this.last = r;
      return;
    }
    const pending = this.pending;
    if (pending.length > 0 && pending[0]!.step !== r.step) this.drain();
    pending.push(r);
    this.last = r;
  }

  /** A finished trace, all at once (no step buffering needed: every result is filled in). */
  pushAll(records: readonly KernelRecord[]): void {
    this.decode(records, this.count);
    this.count += records.length;
    if (records.length > 0) this.last = records[records.length - 1];
  }

  private drain(): void {
    this.decode(this.pending, this.count);
    this.count += this.pending.length;
    this.pending.length = 0;
  }

  /** The violations, ordered by record index; call once, after the last record. */
  finish(): Violation[] {
    this.drain();
    const out = [...this.out];
    if (this.last?.kind === 'budget') {
      out.push({ property: 'P-QUIESCE', requirements: ['MMIO-DEV-8'], at: this.count - 1, summary: `no quiescence within ${this.last.step} steps (livelock or interrupt storm)`, explanation: 'A correct device and driver finish the workload and go quiet well within the step budget.' });
    }
    for (const r of this.runs) out.push(...r.violations);
    return out.sort((a, b) => a.at - b.at);
  }
}

/**
 * Which oracles get an event (the checker's inner loop), as indices into the oracle list: by
 * kind (`Oracle.events`), notes by name (`Oracle.notes`), memory events by whether they touch
 * a watched ring field (`Oracle.memory`). An oracle that declares nothing gets every event,
 * as before. Built once per oracle list and shared by its streams (a run is short: building
 * the note table per run cost more than it saved).
 */
class EventRoutes {
  private readonly byKind = new Map<ProtocolEvent['t'], number[]>();
  /** Per memory-event kind: the readers that want memory events off the ring fields too. */
  private readonly unfiltered = new Map<ProtocolEvent['t'], number[]>();
  /** Per note name, filled on first sight (runs share a few dozen names). */
  private readonly byNote = new Map<string, number[]>();
  private static readonly NONE: readonly number[] = [];
  private static readonly cache = new WeakMap<readonly Oracle[], EventRoutes>();

  static of(oracles: readonly Oracle[]): EventRoutes {
    let r = EventRoutes.cache.get(oracles);
    if (r === undefined) EventRoutes.cache.set(oracles, (r = new EventRoutes(oracles)));
    return r;
  }

  private constructor(private readonly oracles: readonly Oracle[]) {
    oracles.forEach((o, i) => {
      for (const t of o.events ?? EVENT_KINDS) {
        push(this.byKind, t, i);
        if (o.memory === undefined && t.startsWith('mem.')) push(this.unfiltered, t, i);
      }
    });
  }

  kind(t: ProtocolEvent['t']): readonly number[] {
    return this.byKind.get(t) ?? EventRoutes.NONE;
  }

  /** Readers of a memory event that touches no watched field (usually none). */
  anyMemory(t: ProtocolEvent['t']): readonly number[] {
    return this.unfiltered.get(t) ?? EventRoutes.NONE;
  }

  note(name: string): readonly number[] {
    let list = this.byNote.get(name);
    if (list === undefined) {
      list = [];
      this.oracles.forEach((o, i) => {
        if ((o.events ?? EVENT_KINDS).includes('note') && (o.notes === undefined || o.notes.includes(name))) list!.push(i);
      });
      this.byNote.set(name, list);
    }
    return list;
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
