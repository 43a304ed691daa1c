// The trace format: one versioned JSON object per line, keys in a fixed order, so any
// implementation can emit a trace the oracles check. Parsing is strict: a bad line throws
// TraceFormatError naming the line and the field (malformed input is reported, never guessed).

import { once } from 'node:events';
import { match } from 'ts-pattern';
import type { KernelRecord } from '../kernel/records.ts';
import type { AccessSize, FenceKind, NoteData, RmwOp } from '../kernel/effects.ts';

export const TRACE_FORMAT_VERSION = 1;

/** `t`: optional timestamp in microseconds (imported traces; the simulator has steps, not time). */
interface Head<T extends string> { readonly v: 1; readonly seq: number; readonly step: number; readonly t?: number; readonly actor: string; readonly type: T }
type Mem = { readonly addr: number; readonly size: AccessSize };
type Site = { readonly site: string };

/** One trace line. `actor` is the process name (`'kernel'` for quiescent/budget); `value` of a load is what it read. */
export type TraceEvent =
  | Head<'mem.load'> & Mem & { readonly value?: number } & Site
  | Head<'mem.store'> & Mem & { readonly value: number } & Site
  /** A buffered (TSO) store became visible to everyone. */
  | Head<'mem.flush'> & Mem & { readonly value: number }
  /** `old` is the value before the locked read-modify-write. */
  | Head<'mem.rmw'> & Mem & { readonly op: RmwOp; readonly value: number; readonly expected: number; readonly old?: number } & Site
  | Head<'fence'> & { readonly fence: FenceKind } & Site
  /** `cpu`: the vCPU that made the access, when the trace knows it (imported traces). */
  | Head<'mmio.read'> & { readonly dev: number; readonly off: number; readonly size: AccessSize; readonly value?: number; readonly cpu?: number } & Site
  | Head<'mmio.write'> & { readonly dev: number; readonly off: number; readonly size: AccessSize; readonly value: number; readonly cpu?: number } & Site
  | Head<'irq.set'> & { readonly line: number; readonly level: 0 | 1 } & Site
  | Head<'msi.send'> & { readonly addr: number; readonly data: number } & Site
  | Head<'dev.locked'> & Site
  | Head<'wait'> & Site
  | Head<'note'> & { readonly name: string; readonly data: NoteData } & Site
  | Head<'irq.enter'> & { readonly line: number }
  | Head<'irq.exit'> & { readonly line: number }
  | Head<'exit'>
  | Head<'fault'> & { readonly message: string }
  | Head<'quiescent'>
  | Head<'budget'>
  /**
   * What the oracles must know of the system besides its events (first line, optional):
   * register layout, the device's interrupt line(s), memory model, whether the driver is judged.
   */
  | Head<'meta'> & {
    readonly mmioVersion: 1 | 2; readonly line: number; readonly lines: number; readonly lineStatus: 'shared' | 'per-line';
    readonly lineGate: 'always' | 'feature'; readonly buffered: boolean; readonly judgeDriver: boolean; readonly source?: string;
    /** Register layout: 'pci' for the virtio-pci window (spec/facts/pci-registers.ts); absent = virtio-mmio. */
    readonly transport?: string;
  };

export type TraceEventType = TraceEvent['type'];

/** A line that is not a valid trace event; `field` is undefined when the line is not a JSON object at all. */
export class TraceFormatError extends Error {
  override readonly name = 'TraceFormatError';
  constructor(readonly line: number, readonly field: string | undefined, problem: string) {
    super(`line ${line}: ${field === undefined ? '' : `field "${field}" `}${problem}`);
  }
}

type Kind = 'nat' | 'int' | 'size' | 'str' | 'fence' | 'op' | 'level' | 'data' | 'bool' | 'ver' | 'lstat' | 'lgate';
type Spec<E> = { readonly [K in Exclude<keyof E, keyof Head<string>>]-?: undefined extends E[K] ? `${Kind}?` : Kind };
const HEAD_KEYS: readonly string[] = ['v', 'seq', 'step', 't', 'actor', 'type'];
const MEM = { addr: 'nat', size: 'size' } as const;

/** Each type's own fields in output order (the common head comes first). */
const SCHEMA: { readonly [T in TraceEventType]: Spec<Extract<TraceEvent, { type: T }>> } = {
  'mem.load': { ...MEM, value: 'int?', site: 'str' },
  'mem.store': { ...MEM, value: 'int', site: 'str' },
  'mem.flush': { ...MEM, value: 'int' },
  'mem.rmw': { ...MEM, op: 'op', value: 'int', expected: 'int', old: 'int?', site: 'str' },
  fence: { fence: 'fence', site: 'str' },
  'mmio.read': { dev: 'nat', off: 'nat', size: 'size', value: 'int?', cpu: 'nat?', site: 'str' },
  'mmio.write': { dev: 'nat', off: 'nat', size: 'size', value: 'int', cpu: 'nat?', site: 'str' },
  'irq.set': { line: 'nat', level: 'level', site: 'str' },
  'msi.send': { addr: 'nat', data: 'int', site: 'str' },
  'dev.locked': { site: 'str' },
  wait: { site: 'str' },
  note: { name: 'str', data: 'data', site: 'str' },
  'irq.enter': { line: 'nat' },
  'irq.exit': { line: 'nat' },
  exit: {},
  fault: { message: 'str' },
  quiescent: {},
  budget: {},
  meta: { mmioVersion: 'ver', line: 'nat', lines: 'nat', lineStatus: 'lstat', lineGate: 'lgate', buffered: 'bool', judgeDriver: 'bool', source: 'str?', transport: 'str?' },
};

/** The field kinds of each event type, for the JSON Schema (schema.ts) — the one table both follow. */
export const EVENT_FIELDS: { readonly [T in TraceEventType]: Readonly<Record<string, string>> } = SCHEMA;

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Map kernel records to trace events; functions (`locked.run`, `wait.until`) are dropped, only their site stays.
 * @example toTraceEvents(sim.world.trace, sim.procNames)[0] // { v: 1, seq: 0, step: 0, actor: 'net.peer', type: 'wait', site: 'net.peer.lock' }
 */
export function toTraceEvents(records: readonly KernelRecord[], procNames: readonly string[]): TraceEvent[] {
  return records.map((r, seq) => toEvent(r, seq, procNames));
}

function toEvent(r: KernelRecord, seq: number, procNames: readonly string[]): TraceEvent {
  const head = <T extends TraceEventType>(type: T, proc?: number): Head<T> =>
    ({ v: 1, seq, step: r.step, actor: proc === undefined ? 'kernel' : (procNames[proc] ?? `proc${proc}`), type });
  const res = (key: 'value' | 'old', result: number | undefined) => (result === undefined ? {} : { [key]: result });
  return match(r)
    .returnType<TraceEvent>()
    .with({ kind: 'effect' }, ({ proc, effect, result }) =>
      match(effect)
        .returnType<TraceEvent>()
        .with({ kind: 'load' }, (e) => ({ ...head('mem.load', proc), addr: e.addr, size: e.size, ...res('value', result), site: e.site }))
        .with({ kind: 'store' }, (e) => ({ ...head('mem.store', proc), addr: e.addr, size: e.size, value: e.value, site: e.site }))
        .with({ kind: 'rmw' }, (e) => ({
          ...head('mem.rmw', proc), addr: e.addr, size: e.size, op: e.op, value: e.value, expected: e.expected, ...res('old', result), site: e.site,
        }))
        .with({ kind: 'fence' }, (e) => ({ ...head('fence', proc), fence: e.fence, site: e.site }))
        .with({ kind: 'mmioRead' }, (e) => ({ ...head('mmio.read', proc), dev: e.dev, off: e.off, size: e.size, ...res('value', result), site: e.site }))
        .with({ kind: 'mmioWrite' }, (e) => ({ ...head('mmio.write', proc), dev: e.dev, off: e.off, size: e.size, value: e.value, site: e.site }))
        .with({ kind: 'setIrq' }, (e) => ({ ...head('irq.set', proc), line: e.line, level: e.level, site: e.site }))
        .with({ kind: 'sendMsi' }, (e) => ({ ...head('msi.send', proc), addr: e.addr, data: e.data, site: e.site }))
        .with({ kind: 'locked' }, (e) => ({ ...head('dev.locked', proc), site: e.site }))
        .with({ kind: 'wait' }, (e) => ({ ...head('wait', proc), site: e.site }))
        .with({ kind: 'note' }, (e) => ({ ...head('note', proc), name: e.note, data: { ...e.data }, site: e.site }))
        .exhaustive())
    .with({ kind: 'flush' }, (f) => ({ ...head('mem.flush', f.proc), addr: f.addr, size: f.size as AccessSize, value: f.value }))
    .with({ kind: 'irqEnter' }, (i) => ({ ...head('irq.enter', i.proc), line: i.line }))
    .with({ kind: 'irqExit' }, (i) => ({ ...head('irq.exit', i.proc), line: i.line }))
    .with({ kind: 'exit' }, (x) => head('exit', x.proc))
    .with({ kind: 'fault' }, (f) => ({ ...head('fault', f.proc), message: f.message }))
    .with({ kind: 'quiescent' }, () => head('quiescent'))
    .with({ kind: 'budget' }, () => head('budget'))
    .exhaustive();
}

/** One event as its canonical line (no newline): head keys, then the type's fields in schema order, note data keys sorted. */
export function formatJsonlLine(event: TraceEvent): string {
  const src = event as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of [...HEAD_KEYS, ...Object.keys(SCHEMA[event.type])]) {
    const value = src[key];
    if (value === undefined) continue;
    out[key] = key === 'data' && typeof value === 'object' && value !== null ? sortKeys(value as NoteData) : value;
  }
  return JSON.stringify(out);
}

function sortKeys(data: NoteData): NoteData {
  return Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The whole trace as text: one line per event, each ending in a newline. */
export function writeJsonl(events: readonly TraceEvent[]): string {
  return events.map((e) => `${formatJsonlLine(e)}\n`).join('');
}

/** Stream the trace line by line, waiting for `drain` when the stream asks for backpressure. */
export async function writeJsonlTo(stream: NodeJS.WritableStream, events: Iterable<TraceEvent>): Promise<void> {
  for (const e of events) {
    if (!stream.write(`${formatJsonlLine(e)}\n`)) await once(stream, 'drain');
  }
}

/** Parse a whole file; a final empty line is allowed, an empty line elsewhere is an error. */
export function parseJsonl(text: string): TraceEvent[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line, i) => parseJsonlLine(line.endsWith('\r') ? line.slice(0, -1) : line, i + 1));
}

/**
 * Parse and validate one line (`lineNo` is 1-based, for messages).
 * @example parseJsonlLine('{"v":1,"seq":0,"step":0,"actor":"kernel","type":"quiescent"}', 1).type // 'quiescent'
 */
export function parseJsonlLine(line: string, lineNo: number): TraceEvent {
  const fail = (field: string | undefined, problem: string): never => {
    throw new TraceFormatError(lineNo, field, problem);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (err) {
    return fail(undefined, `is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!isPlainObject(raw)) return fail(undefined, `must be a JSON object, got ${show(raw)}`);
  for (const key of Object.keys(raw)) if (FORBIDDEN.has(key)) fail(key, 'is not allowed');
  if (raw['v'] !== TRACE_FORMAT_VERSION) fail('v', `must be ${TRACE_FORMAT_VERSION} (the trace format version), got ${show(raw['v'])}`);
  const type = raw['type'];
  if (typeof type !== 'string' || !Object.hasOwn(SCHEMA, type)) return fail('type', `must be a known event type, got ${show(type)}`);
  const spec = SCHEMA[type as TraceEventType] as Readonly<Record<string, string>>;
  for (const key of Object.keys(raw)) {
    if (!HEAD_KEYS.includes(key) && !Object.hasOwn(spec, key)) fail(key, `is not a field of "${type}"`);
  }
  const out: Record<string, unknown> = { v: TRACE_FORMAT_VERSION };
  out['seq'] = checkField(raw, 'seq', 'nat', fail);
  out['step'] = checkField(raw, 'step', 'nat', fail);
  if (Object.hasOwn(raw, 't')) out['t'] = checkField(raw, 't', 'nat', fail);
  out['actor'] = checkField(raw, 'actor', 'str', fail);
  out['type'] = type;
  for (const [field, kind] of Object.entries(spec)) {
    const optional = kind.endsWith('?');
    if (optional && !Object.hasOwn(raw, field)) continue;
    out[field] = checkField(raw, field, (optional ? kind.slice(0, -1) : kind) as Kind, fail);
  }
  return out as unknown as TraceEvent;
}

type Fail = (field: string, problem: string) => never;

function checkField(raw: Record<string, unknown>, field: string, kind: Kind, fail: Fail): unknown {
  if (!Object.hasOwn(raw, field)) return fail(field, 'is missing');
  const x = raw[field];
  const bad = (what: string): never => fail(field, `must be ${what}, got ${show(x)}`);
  switch (kind) {
    case 'nat': return Number.isSafeInteger(x) && (x as number) >= 0 ? x : bad('a non-negative integer below 2^53');
    case 'int': return Number.isSafeInteger(x) ? x : bad('an integer between -(2^53-1) and 2^53-1');
    case 'size': return x === 1 || x === 2 || x === 4 || x === 8 ? x : bad('1, 2, 4 or 8');
    case 'level': return x === 0 || x === 1 ? x : bad('0 or 1');
    case 'str': return typeof x === 'string' ? x : bad('a string');
    case 'fence': return x === 'full' || x === 'wmb' || x === 'rmb' ? x : bad('"full", "wmb" or "rmb"');
    case 'op': return x === 'or' || x === 'andNot' || x === 'xchg' || x === 'add' || x === 'cmpxchg' ? x : bad('a read-modify-write op');
    case 'data': return checkNoteData(x, field, fail);
    case 'bool': return typeof x === 'boolean' ? x : bad('true or false');
    case 'ver': return x === 1 || x === 2 ? x : bad('1 or 2 (the virtio-mmio Version register)');
    case 'lstat': return x === 'shared' || x === 'per-line' ? x : bad('"shared" or "per-line"');
    case 'lgate': return x === 'always' || x === 'feature' ? x : bad('"always" or "feature"');
  }
}

function checkNoteData(x: unknown, field: string, fail: Fail): NoteData {
  if (!isPlainObject(x)) return fail(field, `must be an object of strings, numbers and booleans, got ${show(x)}`);
  const out: Record<string, number | string | boolean> = {};
  for (const [key, value] of Object.entries(x)) {
    const path = `${field}.${key}`;
    if (FORBIDDEN.has(key)) fail(path, 'is not allowed');
    if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) out[key] = value;
    else fail(path, `must be a string, number or boolean, got ${show(value)}`);
  }
  return out;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function show(x: unknown): string {
  if (x === undefined) return 'nothing';
  const s = JSON.stringify(x);
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}
