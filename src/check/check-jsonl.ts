// `check --format jsonl`: a trace in our own format (the simulator's `--trace`, or any
// implementation's), streamed line by line. Every oracle runs: the format carries all they read.

import { ORACLES, type OracleContext } from '../oracles/index.ts';
import { ONE_LINE } from '../transport/mmio/irq-lines.ts';
import { parseJsonlLine, TraceFormatError, type TraceEvent } from '../trace/jsonl.ts';
import { readLines } from '../trace/lines.ts';
import { RecordBuilder } from '../trace/to-records.ts';
import { TraceChecker, type CheckReport } from './trace-checker.ts';

/** The context a trace without a `meta` line is judged in: the spec today (Version 2, one line, SC). */
export const DEFAULT_CONTEXT: OracleContext = { mmioVersion: 2, line: 0, interruptLines: ONE_LINE, buffered: false, judgeDriver: true };

/** The `meta` line that tells a checker how to judge a trace (written first by `run --trace`). */
export function traceMeta(ctx: OracleContext, source?: string): TraceEvent {
  return {
    v: 1, seq: 0, step: 0, actor: 'kernel', type: 'meta', mmioVersion: ctx.mmioVersion, line: ctx.line, lines: ctx.interruptLines.count,
    lineStatus: ctx.interruptLines.status, lineGate: ctx.interruptLines.gate, buffered: ctx.buffered, judgeDriver: ctx.judgeDriver,
    ...(source === undefined ? {} : { source }),
    ...(ctx.transport === 'pci' ? { transport: 'pci' } : {}),
  };
}

function contextOf(meta: Extract<TraceEvent, { type: 'meta' }>): OracleContext {
  return {
    mmioVersion: meta.mmioVersion, line: meta.line, buffered: meta.buffered, judgeDriver: meta.judgeDriver,
    interruptLines: { count: Math.max(1, meta.lines), status: meta.lineStatus, gate: meta.lineGate },
    ...(meta.transport === 'pci' ? { transport: 'pci' as const } : {}),
  };
}

/**
 * Check a JSON-lines trace. Throws TraceFormatError (line and field) on bad input.
 * @example await checkJsonl(createReadStream('run.jsonl'))
 */
export async function checkJsonl(chunks: AsyncIterable<Buffer | string>): Promise<CheckReport> {
  let ctx = DEFAULT_CONTEXT;
  const builder = new RecordBuilder();
  const checker = new TraceChecker(ORACLES, () => ctx);
  let lines = 0;
  let last: TraceEvent['type'] | undefined;
  for await (const { text, no } of readLines(chunks)) {
    lines = no;
    const ev = parseJsonlLine(text, no);
    if (ev.type === 'meta') {
      if (checker.records > 0 || no !== 1) throw new TraceFormatError(no, 'type', 'must not be "meta" after the first line');
      ctx = contextOf(ev);
      continue;
    }
    if ((ev.type === 'mmio.read' || ev.type === 'mmio.write') && ev.dev > 1024) {
      throw new TraceFormatError(no, 'dev', `must be a device index below 1024, got ${ev.dev}`);
    }
    let record;
    try {
      record = builder.toRecord(ev)!;
    } catch (err) {
      if (err instanceof RangeError) throw new TraceFormatError(no, 'actor', `is one too many: ${err.message}`);
      throw err;
    }
    checker.push({ dev: 0, record, line: no });
    last = ev.type;
  }
  if (lines === 0) throw new TraceFormatError(1, undefined, 'is missing: the trace is empty');
  const { violations, perDevice } = checker.finish();
  const notes = last === 'quiescent' ? [] : [`the trace ends with "${last ?? 'nothing'}", not "quiescent": end-of-run obligations (P-QUIESCE, P-STATUS DRV-8) were not judged`];
  return {
    format: 'jsonl', verdict: violations.length === 0 ? 'conformant' : 'violations', lines, records: checker.records,
    devices: [...perDevice].map(([dev, records]) => ({ dev, name: `dev${dev}`, records })),
    ran: [...new Set(ORACLES.map((o) => o.property))], skipped: [], notes, violations,
  };
}
