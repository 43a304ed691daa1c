// One line of QEMU's log trace backend (`-trace enable=… -D file`, QEMU 7.2 formats from
// hw/virtio/trace-events, softmmu/trace-events, hw/intc/trace-events):
//   [<tid>@<sec>.<usec>:]<event> <args>
// parsed into a typed event; only the events the importer uses are decoded, the others are
// returned as `other` (counted, not judged). A line of the wrong shape is bad input.

import { TraceFormatError } from '../jsonl.ts';

export type QemuEvent =
  | { readonly e: 'mr_read' | 'mr_write'; readonly cpu: number; readonly addr: number; readonly value: number; readonly size: 1 | 2 | 4 | 8; readonly name: string }
  | { readonly e: 'mmio_read'; readonly off: number }
  | { readonly e: 'mmio_write'; readonly off: number; readonly value: number }
  | { readonly e: 'set_status'; readonly vdev: string; readonly val: number }
  | { readonly e: 'setting_irq'; readonly level: 0 | 1 }
  | { readonly e: 'queue_notify'; readonly vdev: string; readonly n: number; readonly vq: string }
  | { readonly e: 'notify'; readonly vdev: string; readonly vq: string }
  | { readonly e: 'pop'; readonly vq: string }
  | { readonly e: 'flush'; readonly vq: string; readonly count: number }
  | { readonly e: 'ioapic'; readonly pin: number; readonly level: 0 | 1 }
  | { readonly e: 'other'; readonly name: string };

export interface QemuLine {
  readonly tid: number;
  /** Microseconds since the epoch (0 without `-msg timestamp=on`). */
  readonly t: number;
  readonly ev: QemuEvent;
}

const LINE = /^(?:(\d{1,10})@(\d{1,12})\.(\d{1,6}):)?([A-Za-z_][A-Za-z0-9_]{0,63}) ?(.*)$/;
const HEX = /^0x[0-9a-fA-F]{1,16}$/;
const PTR = /^(?:0x[0-9a-fA-F]{1,16}|\(nil\))$/;

/** Fields of the args string by name ("cpu 0 mr 0x… addr 0x…"), checked against the expected shape. */
function fields(lineNo: number, event: string, args: string, names: readonly string[]): string[] {
  const words = args.split(' ');
  const out: string[] = [];
  let k = 0;
  for (const name of names) {
    if (words[k] !== name) throw new TraceFormatError(lineNo, `${event}.${name}`, `is missing (expected "${name} <value>" in "${clip(args)}")`);
    const v = words[k + 1];
    if (v === undefined || v === '') throw new TraceFormatError(lineNo, `${event}.${name}`, 'has no value');
    out.push(v);
    k += 2;
  }
  return out;
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}

function hex(lineNo: number, field: string, s: string): number {
  if (!HEX.test(s)) throw new TraceFormatError(lineNo, field, `must be a hex number of at most 64 bits, got ${JSON.stringify(clip(s))}`);
  const n = BigInt(s);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new TraceFormatError(lineNo, field, `is absurd: ${s} is beyond 2^53`);
  return Number(n);
}

/** A hex register value masked to the access size (QEMU prints the device's untruncated uint64). */
function hexMasked(lineNo: number, field: string, s: string, size: number): number {
  if (!HEX.test(s)) throw new TraceFormatError(lineNo, field, `must be a hex number of at most 64 bits, got ${JSON.stringify(clip(s))}`);
  const mask = size >= 8 ? (1n << 53n) - 1n : (1n << BigInt(8 * size)) - 1n;
  return Number(BigInt(s) & mask);
}

function dec(lineNo: number, field: string, s: string, max: number): number {
  if (!/^\d{1,16}$/.test(s) || Number(s) > max) throw new TraceFormatError(lineNo, field, `must be a decimal integer between 0 and ${max}, got ${JSON.stringify(clip(s))}`);
  return Number(s);
}

function ptr(lineNo: number, field: string, s: string): string {
  if (!PTR.test(s)) throw new TraceFormatError(lineNo, field, `must be a pointer (0x…), got ${JSON.stringify(clip(s))}`);
  return s.toLowerCase();
}

function level(lineNo: number, field: string, s: string | undefined): 0 | 1 {
  if (s !== '0' && s !== '1') throw new TraceFormatError(lineNo, field, `must be 0 or 1, got ${JSON.stringify(clip(s ?? ''))}`);
  return s === '1' ? 1 : 0;
}

/**
 * Parse one line (1-based `lineNo` for messages); undefined for a blank line.
 * @example parseQemuLine('590@1795431025.150416:virtqueue_flush vq 0x7f8bfc090010 count 1', 7)!.ev // { e: 'flush', vq: '0x7f8bfc090010', count: 1 }
 */
export function parseQemuLine(text: string, lineNo: number): QemuLine | undefined {
  if (text.trim() === '') return undefined;
  const m = LINE.exec(text);
  if (!m) throw new TraceFormatError(lineNo, undefined, `is not a QEMU log trace line ("<tid>@<sec>.<usec>:<event> <args>"): ${JSON.stringify(clip(text))}`);
  const tid = m[1] === undefined ? 0 : Number(m[1]);
  const t = m[2] === undefined ? 0 : Number(m[2]) * 1_000_000 + Number(m[3]!.padEnd(6, '0'));
  const event = m[4]!;
  const args = m[5]!;
  return { tid, t, ev: parseEvent(lineNo, event, args) };
}

function parseEvent(n: number, event: string, args: string): QemuEvent {
  switch (event) {
    case 'memory_region_ops_read':
    case 'memory_region_ops_write': {
      const [cpu, , addr, value, size] = fields(n, event, args, ['cpu', 'mr', 'addr', 'value', 'size']);
      const name = /name '([^']*)'\s*$/.exec(args)?.[1];
      if (name === undefined) throw new TraceFormatError(n, `${event}.name`, `is missing (expected "name '<region>'")`);
      const sz = dec(n, `${event}.size`, size!, 8);
      if (sz !== 1 && sz !== 2 && sz !== 4 && sz !== 8) throw new TraceFormatError(n, `${event}.size`, `must be 1, 2, 4 or 8, got ${sz}`);
      return {
        e: event === 'memory_region_ops_read' ? 'mr_read' : 'mr_write', cpu: dec(n, `${event}.cpu`, cpu!, 4095),
        addr: hex(n, `${event}.addr`, addr!), value: hexMasked(n, `${event}.value`, value!, sz), size: sz, name,
      };
    }
    case 'virtio_mmio_read': {
      const [off] = fields(n, event, args.replace(/^virtio_mmio_read /, ''), ['offset']);
      return { e: 'mmio_read', off: hex(n, `${event}.offset`, off!) };
    }
    case 'virtio_mmio_write_offset': {
      const [off, value] = fields(n, event, args.replace(/^virtio_mmio_write /, ''), ['offset', 'value']);
      return { e: 'mmio_write', off: hex(n, `${event}.offset`, off!), value: hex(n, `${event}.value`, value!) };
    }
    case 'virtio_set_status': {
      const [vdev, val] = fields(n, event, args, ['vdev', 'val']);
      return { e: 'set_status', vdev: ptr(n, `${event}.vdev`, vdev!), val: dec(n, `${event}.val`, val!, 255) };
    }
    case 'virtio_mmio_setting_irq': {
      const m = /^virtio_mmio setting IRQ (\S*)$/.exec(args);
      if (!m) throw new TraceFormatError(n, `${event}.level`, `is missing (expected "virtio_mmio setting IRQ <0|1>")`);
      return { e: 'setting_irq', level: level(n, `${event}.level`, m[1]) };
    }
    case 'virtio_queue_notify': {
      const [vdev, q, vq] = fields(n, event, args, ['vdev', 'n', 'vq']);
      return { e: 'queue_notify', vdev: ptr(n, `${event}.vdev`, vdev!), n: dec(n, `${event}.n`, q!, 1023), vq: ptr(n, `${event}.vq`, vq!) };
    }
    case 'virtio_notify': {
      const [vdev, vq] = fields(n, event, args, ['vdev', 'vq']);
      return { e: 'notify', vdev: ptr(n, `${event}.vdev`, vdev!), vq: ptr(n, `${event}.vq`, vq!) };
    }
    case 'virtqueue_pop': {
      const [vq] = fields(n, event, args, ['vq']);
      return { e: 'pop', vq: ptr(n, `${event}.vq`, vq!) };
    }
    case 'virtqueue_flush': {
      const [vq, count] = fields(n, event, args, ['vq', 'count']);
      return { e: 'flush', vq: ptr(n, `${event}.vq`, vq!), count: dec(n, `${event}.count`, count!, 0xffff_ffff) };
    }
    case 'ioapic_set_irq': {
      const m = /^vector: (\S*) level: (\S*)$/.exec(args);
      if (!m) throw new TraceFormatError(n, `${event}.vector`, 'is missing (expected "vector: <pin> level: <0|1>")');
      return { e: 'ioapic', pin: dec(n, `${event}.vector`, m[1]!, 255), level: level(n, `${event}.level`, m[2]) };
    }
    default:
      return { e: 'other', name: event };
  }
}
