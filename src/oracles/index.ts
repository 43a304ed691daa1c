// All oracles, and one pass that decodes a run's records once and feeds every oracle.

import type { KernelRecord } from '../kernel/index.ts';
import { recordDecoder } from './decode.ts';
import type { Oracle, OracleContext, OracleRun, Violation } from './types.ts';
import { quiesceOracle } from './p-quiesce.ts';
import { isrOracle } from './p-isr.ts';
import { statusOracle } from './p-status.ts';
import { featureOracle } from './p-feat.ts';
import { suppressionModeOracle } from './p-suppression-mode.ts';
import { irqMustOracle, kickMustOracle } from './p-notify.ts';
import { wrapOracle } from './p-wrap.ts';

export type { Oracle, OracleContext, Violation, OracleProperty } from './types.ts';
export { decodeRecords, type ProtocolEvent } from './decode.ts';

export const ORACLES: readonly Oracle[] = [statusOracle, featureOracle, suppressionModeOracle, isrOracle, irqMustOracle, kickMustOracle, wrapOracle, quiesceOracle];
export { measureNotifications, type NotificationCounts } from './p-notify.ts';

/** Every violation the oracles find in `records`, ordered by where it happened. */
export function checkRecords(records: readonly KernelRecord[], ctx: OracleContext, oracles: readonly Oracle[] = ORACLES): Violation[] {
  const stream = new OracleStream(ctx, oracles);
  for (const r of records) stream.push(r);
  return stream.finish();
}

/**
 * The oracles over a stream of records, one at a time (a run too long to keep its trace, a
 * large imported trace): memory stays bounded by the oracles' own state.
 */
export class OracleStream {
  private readonly runs: OracleRun[];
  private readonly out: Violation[] = [];
  private readonly decode: (r: KernelRecord, i: number) => void;
  private count = 0;
  private last: KernelRecord | undefined;
  /**
   * Records of the step in progress: a register read is recorded before its handler runs
   * (the handler's own records follow it) and gets its result only when the step ends.
   */
  private readonly pending: KernelRecord[] = [];

  constructor(ctx: OracleContext, oracles: readonly Oracle[] = ORACLES) {
    const runs = (this.runs = oracles.map((o) => o.start(ctx)));
    const out = this.out;
    this.decode = recordDecoder(ctx, (ev, at) => {
      if (ev.t === 'quiescent' || ev.t === 'budget') {
        for (const r of runs) r.finish(ev, at);
        return;
      }
      if (ev.t === 'fault') {
        out.push({ property: 'P-FAULT', requirements: [], at, summary: `process ${ev.proc} failed: ${ev.message}`, explanation: 'The implementation under test threw; its run ended there.' });
        return;
      }
      for (let i = 0; i < runs.length; i++) runs[i]!.onEvent(ev, at);
    });
  }

  push(r: KernelRecord): void {
    const pending = this.pending;
    if (pending.length > 0 && pending[0]!.step !== r.step) this.drain();
    pending.push(r);
    this.last = r;
  }

  private drain(): void {
    for (const r of this.pending) this.decode(r, this.count++);
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
