// The JSON-lines codec: a real run survives write → parse unchanged and byte for byte,
// and each kind of malformed line is rejected with its line number and field.

import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RandomChoiceSource } from '../kernel/index.ts';
import type { KernelRecord } from '../kernel/records.ts';
import { buildSimulation } from '../sim/build.ts';
import { DEFAULT_CONFIG } from '../sim/config.ts';
import {
  TRACE_FORMAT_VERSION, TraceFormatError, type TraceEvent, parseJsonl, parseJsonlLine, toTraceEvents, writeJsonl, writeJsonlTo,
} from './jsonl.ts';

function realRun(): { records: readonly KernelRecord[]; procNames: readonly string[] } {
  const sim = buildSimulation({ ...DEFAULT_CONFIG, memoryModel: 'tso', kicks: 'async' }, new RandomChoiceSource(1));
  sim.world.run();
  return { records: sim.world.trace, procNames: sim.procNames };
}

/** Records of the kinds a healthy reference run never makes. */
const RARE: readonly KernelRecord[] = [
  { kind: 'effect', step: 7, proc: 1, effect: { kind: 'sendMsi', addr: 0xfee00000, data: 0x41, site: 'dev.msi' }, result: undefined },
  { kind: 'effect', step: 8, proc: 1, effect: { kind: 'rmw', addr: 16, size: 4, op: 'add', value: 1, expected: 0, site: 'x' }, result: 3 },
  { kind: 'effect', step: 9, proc: 0, effect: { kind: 'mmioRead', dev: 0, off: 0x60, size: 4, site: 'drv.irq.read_status' }, result: undefined },
  { kind: 'fault', step: 9, proc: 0, message: 'guest memory access "out of range"\nat 0x1' },
  { kind: 'budget', step: 10 },
];

const parseAll = (text: string): TraceEvent[] => text.trimEnd().split('\n').map((line, i) => parseJsonlLine(line, i + 1));

function rejection(line: string, lineNo = 12): TraceFormatError {
  try {
    parseJsonlLine(line, lineNo);
  } catch (err) {
    if (err instanceof TraceFormatError) return err;
    throw err;
  }
  throw new Error(`accepted: ${line}`);
}

const GOOD_LOAD = { v: 1, seq: 5, step: 4, actor: 'vCPU0', type: 'mem.load', addr: 4176, size: 2, value: 3, site: 'drv.vq0.load_used_idx' };
const line = (patch: Record<string, unknown>): string => JSON.stringify({ ...GOOD_LOAD, ...patch });

describe('toTraceEvents / writeJsonl / parseJsonlLine', () => {
  it('round-trips a real run: parse(write(x)) deep-equals x', () => {
    // Arrange
    const { records, procNames } = realRun();
    const events = toTraceEvents(records, procNames);
    // Act
    const parsed = parseAll(writeJsonl(events));
    // Assert
    expect(parsed).toStrictEqual(events);
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set(['mem.load', 'mem.store', 'mem.flush', 'mem.rmw', 'fence', 'mmio.read', 'mmio.write', 'irq.set', 'dev.locked', 'wait', 'note', 'irq.enter', 'irq.exit', 'exit', 'quiescent']),
    );
  });

  it('round-trips the rare record kinds (msi, fault, budget, a read without result)', () => {
    // Arrange
    const events = toTraceEvents(RARE, ['vCPU0', 'vCPU1']);
    // Act
    const text = writeJsonl(events);
    // Assert
    expect(parseJsonl(text)).toStrictEqual(events);
    expect(events.map((e) => e.actor)).toEqual(['vCPU1', 'vCPU1', 'vCPU0', 'vCPU0', 'kernel']);
    expect(events[2]).not.toHaveProperty('value');
  });

  it('writes identical bytes for identical runs, and again after a parse', () => {
    // Arrange
    const a = realRun();
    const b = realRun();
    // Act
    const textA = writeJsonl(toTraceEvents(a.records, a.procNames));
    const textB = writeJsonl(toTraceEvents(b.records, b.procNames));
    // Assert
    expect(textB).toBe(textA);
    expect(writeJsonl(parseJsonl(textA))).toBe(textA);
    expect(textA.endsWith('}\n')).toBe(true);
    expect(textA.split('\n')[0]).toMatch(/^\{"v":1,"seq":0,"step":0,"actor":"net\.peer","type":/);
  });

  it('keeps the function of a locked or wait effect out of the trace, only its site', () => {
    // Arrange
    const records: KernelRecord[] = [
      { kind: 'effect', step: 0, proc: 0, effect: { kind: 'wait', until: () => true, site: 'cpu0.idle' }, result: undefined },
      { kind: 'effect', step: 1, proc: 0, effect: { kind: 'locked', run: () => undefined, site: 'dev.notify_vring' }, result: undefined },
    ];
    // Act
    const text = writeJsonl(toTraceEvents(records, ['vCPU0']));
    // Assert
    expect(text).toBe(
      '{"v":1,"seq":0,"step":0,"actor":"vCPU0","type":"wait","site":"cpu0.idle"}\n' +
        '{"v":1,"seq":1,"step":1,"actor":"vCPU0","type":"dev.locked","site":"dev.notify_vring"}\n',
    );
  });

  it('streams the same text as writeJsonl', async () => {
    // Arrange
    const { records, procNames } = realRun();
    const events = toTraceEvents(records, procNames);
    const stream = new PassThrough({ highWaterMark: 64 });
    const chunks: string[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
    // Act
    await writeJsonlTo(stream, events);
    stream.end();
    // Assert
    expect(chunks.join('')).toBe(writeJsonl(events));
  });
});

describe('parseJsonlLine rejects malformed lines', () => {
  it('accepts the well-formed line the cases below break', () => {
    expect(parseJsonlLine(line({}), 12)).toEqual(GOOD_LOAD);
    expect(TRACE_FORMAT_VERSION).toBe(1);
  });

  it.each([
    ['truncated JSON', line({}).slice(0, 30), undefined, /^line 12: is not valid JSON/],
    ['an array', '[1,2]', undefined, /^line 12: must be a JSON object, got \[1,2\]$/],
    ['a wrong version', line({ v: 2 }), 'v', /^line 12: field "v" must be 1 .*got 2$/],
    ['an unknown type', line({ type: 'mem.teleport' }), 'type', /^line 12: field "type" must be a known event type, got "mem.teleport"$/],
    ['a string where a number is expected', line({ addr: 'x' }), 'addr', /^line 12: field "addr" must be a non-negative integer.*, got "x"$/],
    ['a negative addr', line({ addr: -4 }), 'addr', /field "addr" must be a non-negative integer.*, got -4$/],
    ['a number above 2^53', line({ value: 2 ** 53 + 2 }), 'value', /field "value" must be an integer.*, got 9007199254740994$/],
    ['a fractional step', line({ step: 1.5 }), 'step', /field "step" must be a non-negative integer/],
    ['an unknown key', line({ colour: 'red' }), 'colour', /field "colour" is not a field of "mem.load"/],
    ['a missing field', JSON.stringify({ ...GOOD_LOAD, site: undefined }), 'site', /field "site" is missing$/],
    ['a bad size', line({ size: 3 }), 'size', /field "size" must be 1, 2, 4 or 8, got 3$/],
    ['a __proto__ key', line({}).replace('{', '{"__proto__":{"polluted":true},'), '__proto__', /field "__proto__" is not allowed$/],
    ['a constructor key', line({ constructor: 1 }), 'constructor', /field "constructor" is not allowed$/],
    ['a __proto__ key in note data', '{"v":1,"seq":0,"step":0,"actor":"a","type":"note","name":"n","data":{"__proto__":1},"site":"n"}', 'data.__proto__', /is not allowed$/],
    ['a null in note data', '{"v":1,"seq":0,"step":0,"actor":"a","type":"note","name":"n","data":{"q":null},"site":"n"}', 'data.q', /must be a string, number or boolean, got null$/],
  ])('%s', (_what, input, field, message) => {
    // Arrange: the malformed line. Act
    const err = rejection(input);
    // Assert
    expect(err.line).toBe(12);
    expect(err.field).toBe(field);
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain('\n');
  });

  it('names the line of the bad event in a whole file', () => {
    // Arrange
    const text = `${line({ seq: 0 })}\n${line({ seq: 1 })}\n${line({ seq: 2, level: 1 })}\n`;
    // Act
    const err = (() => { try { parseJsonl(text); } catch (e) { return e; } return undefined; })();
    // Assert
    expect(err).toBeInstanceOf(TraceFormatError);
    expect((err as TraceFormatError).line).toBe(3);
    expect((err as TraceFormatError).field).toBe('level');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
