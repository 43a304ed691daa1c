// The JSON Schema (draft 2020-12) of the trace format, built from the codec's own field
// table (jsonl.ts EVENT_FIELDS), so the schema and the parser cannot drift apart.
// `virtio-conform schema` prints it; implementations in any language validate against it.

import { EVENT_FIELDS, TRACE_FORMAT_VERSION, type TraceEventType } from './jsonl.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

const KIND: Readonly<Record<string, Json>> = {
  nat: { type: 'integer', minimum: 0, maximum: MAX_SAFE },
  int: { type: 'integer', minimum: -MAX_SAFE, maximum: MAX_SAFE },
  size: { enum: [1, 2, 4, 8] },
  str: { type: 'string' },
  fence: { enum: ['full', 'wmb', 'rmb'] },
  op: { enum: ['or', 'andNot', 'xchg', 'add', 'cmpxchg'] },
  level: { enum: [0, 1] },
  bool: { type: 'boolean' },
  ver: { enum: [1, 2] },
  lstat: { enum: ['shared', 'per-line'] },
  lgate: { enum: ['always', 'feature'] },
  data: { $ref: '#/$defs/noteData' },
};

/** What each event type is, for the schema's descriptions (direction and meaning). */
const DESCRIPTION: { readonly [T in TraceEventType]: string } = {
  'mem.load': 'guest memory read by actor; value is what it read',
  'mem.store': 'guest memory write as issued (under TSO it becomes visible at its mem.flush)',
  'mem.flush': 'a buffered store became visible to everyone (TSO)',
  'mem.rmw': 'locked read-modify-write; old is the value before',
  fence: 'memory barrier',
  'mmio.read': 'driver → device register read (dev = device index, off = offset in its window, value = result, cpu = vCPU)',
  'mmio.write': 'driver → device register write (dev, off, size, value, cpu); the device handler runs within the same step',
  'irq.set': 'device → interrupt controller: level of interrupt line `line`',
  'msi.send': 'device → interrupt controller: message-signalled interrupt (address, data)',
  'dev.locked': 'device code under its lock (no visible effect besides notes)',
  wait: 'actor blocks until a condition holds',
  note: 'a semantic fact (device status stored, queue made ready, used entry pushed, ring index updates …); see $defs.noteNames',
  'irq.enter': 'a vCPU enters the handler of line',
  'irq.exit': 'the handler of line returns',
  exit: 'the actor finished',
  fault: 'the implementation under test failed (threw)',
  quiescent: 'nothing can move any more: obligations (used entries, kicks) must be met here',
  budget: 'the step budget ran out',
  meta: 'optional first line: what the oracles must know of the system (register layout, interrupt lines, memory model)',
};

/** Notes the oracles read, with their data fields (the device and driver facts a trace carries). */
export const NOTE_NAMES: Readonly<Record<string, string>> = {
  'dev.status': '{value}: the status the device now holds after a Status write',
  'dev.reset': '{}: the device reset (status 0, InterruptStatus 0, queues not ready)',
  'dev.activate': '{}: the device went live (DRIVER_OK)',
  'dev.featuresOk': '{accepted, lo, hi}: the device answered FEATURES_OK for the driver features lo/hi',
  'dev.features': '{lo, hi}: a legacy device took the driver features (in force at once)',
  'dev.queueReady': '{q, ready, num, desc, avail, used, width?}: queue q made ready (or not) with its ring addresses',
  'dev.isr': '{value, set, q, line?}: InterruptStatus is now value; set = the bits raised (0 on an ACK or reset), q = the queue',
  'dev.popAvail': '{q, head, nextAvail}: the device took an available entry; nextAvail = its next avail index',
  'dev.pushUsed': '{q, head, usedIdx}: the device published a used entry; usedIdx = the new used.idx',
  'dev.backlog': '{q, n}: packets waiting for rx buffers',
  'dev.configChange': '{status, generation}: a configuration change',
  'drv.getUsed': '{q, head, lastUsed}: the driver consumed a used entry; lastUsed = its last_used_idx',
  'drv.kick': '{q}: the driver notified queue q',
  'drv.requestIrq': '{line, handler}: the driver claimed an interrupt line',
  'drv.irqHandled': '{cpu, status, handled, line?}: the interrupt handler ran',
  'drv.configChanged': '{status}: the driver handled a configuration change',
};

/**
 * The schema of one trace line: one branch per event type, selected by `type`.
 * @example JSON.stringify(traceSchema()).includes('"mmio.write"') // true
 */
export function traceSchema(): Json {
  const head: Record<string, Json> = {
    v: { const: TRACE_FORMAT_VERSION, description: 'trace format version' },
    seq: { ...(KIND['nat'] as object), description: 'index of the line among the events' },
    step: { ...(KIND['nat'] as object), description: 'atomic step; events of one step happened as one (a register write and its handler)' },
    t: { ...(KIND['nat'] as object), description: 'optional timestamp, microseconds' },
    actor: { type: 'string', description: 'who acted: a process / vCPU / device thread name, "kernel" for the simulator itself' },
  };
  const branches: Json[] = (Object.keys(EVENT_FIELDS) as TraceEventType[]).map((type) => {
    const fields = EVENT_FIELDS[type];
    const properties: Record<string, Json> = { ...head, type: { const: type } };
    const required = ['v', 'seq', 'step', 'actor', 'type'];
    for (const [name, kind] of Object.entries(fields)) {
      const optional = kind.endsWith('?');
      properties[name] = KIND[optional ? kind.slice(0, -1) : kind]!;
      if (!optional) required.push(name);
    }
    return { type: 'object', description: DESCRIPTION[type], properties, required, additionalProperties: false };
  });
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://virtio-conform.dev/schema/trace-v${TRACE_FORMAT_VERSION}.json`,
    title: 'virtio-conform trace line',
    description: 'One JSON object per line (JSON lines). A trace may start with one "meta" line. Keys "__proto__", "constructor" and "prototype" are not allowed anywhere.',
    oneOf: branches,
    $defs: {
      noteData: {
        type: 'object',
        description: 'flat object of strings, finite numbers and booleans',
        additionalProperties: { type: ['string', 'number', 'boolean'] },
      },
      noteNames: { description: 'note names the oracles read, and their data', enum: Object.keys(NOTE_NAMES), examples: Object.values(NOTE_NAMES) },
    },
  };
}
