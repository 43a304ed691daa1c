// `check`: run the oracles over a trace read as a stream, one record at a time, with one
// oracle stream per device; violations are reported with the trace line they came from.
// Memory stays bounded by the oracles' own state (no line or record is kept).

import type { KernelRecord } from '../kernel/records.ts';
import { ORACLES, OracleStream, type Oracle, type OracleContext, type OracleProperty, type Violation } from '../oracles/index.ts';
import type { ProtocolEvent } from '../oracles/decode.ts';
import type { OracleRun } from '../oracles/types.ts';

import type { SourcedRecord } from '../trace/to-records.ts';

export interface CheckedViolation extends Violation {
  /** 1-based line of the trace file (undefined only when the record is too far back to map). */
  readonly line: number | undefined;
  readonly dev: number;
  /** For a QEMU trace checked with the guest's: which file `line` is in (the QEMU trace when absent). */
  readonly file?: 'guest';
}

export interface SkippedOracle {
  readonly property: OracleProperty;
  readonly reason: string;
}

export interface DeviceSummary {
  readonly dev: number;
  readonly name: string;
  readonly records: number;
}

export interface CheckReport {
  readonly format: 'jsonl' | 'qemu';
  readonly verdict: 'conformant' | 'violations';
  readonly lines: number;
  readonly records: number;
  readonly devices: readonly DeviceSummary[];
  readonly ran: readonly OracleProperty[];
  readonly skipped: readonly SkippedOracle[];
  /** Limits of what was judged (an oracle that ran only in part, an end that was not quiescence). */
  readonly notes: readonly string[];
  readonly violations: readonly CheckedViolation[];
}

const RECENT = 4096;

/** Per device: its oracle stream and where its recent records came from. */
class DeviceCheck {
  readonly stream: OracleStream;
  count = 0;
  private readonly recent = new Int32Array(RECENT).fill(-1);
  /** Record index → source line, for the (few) violations, captured when they are raised. */
  readonly lineOf = new Map<number, number>();

  constructor(ctx: OracleContext, oracles: readonly Oracle[]) {
    this.stream = new OracleStream(ctx, oracles.map((o) => this.watch(o)), false);
  }

  lineAt(at: number): number | undefined {
    if (at < 0 || at >= this.count || this.count - at > RECENT) return undefined;
    const l = this.recent[at % RECENT]!;
    return l < 0 ? undefined : l;
  }

  push(record: KernelRecord, line: number): void {
    this.recent[this.count % RECENT] = line;
    this.count++;
    this.stream.push(record);
  }

  /** Wrap an oracle so each violation's line is looked up while it is still recent. */
  private watch(o: Oracle): Oracle {
    return {
      ...o,
      start: (ctx, shared) => {
        const inner = o.start(ctx, shared);
        const capture = (ev: ProtocolEvent, at: number, seen: number) => {
          for (let k = seen; k < inner.violations.length; k++) {
            const v = inner.violations[k]!;
            // A step-boundary check runs when the next step's first record arrives: blame the step that ended.
            const line = this.lineAt(ev.t === 'step' && v.at === at ? at - 1 : v.at);
            if (line !== undefined && !this.lineOf.has(v.at)) this.lineOf.set(v.at, line);
          }
        };
        const run: OracleRun = {
          get violations() { return inner.violations; },
          onEvent(ev, at) { const seen = inner.violations.length; inner.onEvent(ev, at); if (inner.violations.length > seen) capture(ev, at, seen); },
          finish(end, at) { const seen = inner.violations.length; inner.finish(end, at); if (inner.violations.length > seen) capture(end, at, seen); },
        };
        return run;
      },
    };
  }
}

/** Runs `oracles` over records of several devices, in trace order. */
export class TraceChecker {
  private readonly devices = new Map<number, DeviceCheck>();
  records = 0;

  constructor(private readonly oracles: readonly Oracle[], private readonly contextOf: (dev: number) => OracleContext) {}

  push(r: SourcedRecord): void {
    let d = this.devices.get(r.dev);
    if (!d) {
      d = new DeviceCheck(this.contextOf(r.dev), this.oracles);
      this.devices.set(r.dev, d);
    }
    this.records++;
    d.push(r.record, r.line);
  }

  /** Every violation, per device in trace order, each with its line. */
  finish(): { violations: CheckedViolation[]; perDevice: Map<number, number> } {
    const violations: CheckedViolation[] = [];
    const perDevice = new Map<number, number>();
    for (const [dev, d] of [...this.devices].sort(([a], [b]) => a - b)) {
      perDevice.set(dev, d.count);
      for (const v of d.stream.finish()) violations.push({ ...v, dev, line: d.lineOf.get(v.at) ?? d.lineAt(v.at) });
    }
    return { violations, perDevice };
  }
}

export { ORACLES };
