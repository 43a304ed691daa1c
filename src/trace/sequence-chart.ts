// ASCII sequence chart of a run: one lane per process, one row per kernel record, each
// event written in its process's lane with protocol names (registers by §4.2.2/§4.2.4
// offset, ring fields from the effect's site label). The offending step is marked `>>`.

import type { KernelRecord } from '../kernel/records.ts';
import { registerName } from '../../spec/facts/mmio-registers.ts';
import { formatStatus } from '../../spec/facts/status-bits.ts';

export interface ChartOptions {
  /** Index into the records of the offending step: always shown, prefixed `>>`. */
  readonly mark?: number;
  /** MMIO register layout used to name offsets (default 2). */
  readonly regVersion?: 1 | 2;
  /** Keep only the last this many rows (plus the marked one); default 80. */
  readonly maxRows?: number;
  readonly hideNotes?: boolean;
  /** Hide loads, stores, flushes, read-modify-writes and fences. */
  readonly hideMemory?: boolean;
  /** Characters per lane (default 22). */
  readonly laneWidth?: number;
}

/** The rows a renderer shows: record indices in order, and how many were dropped before, after the mark and in between. */
export interface RowSelection {
  readonly shown: readonly number[];
  /** Elided rows before the first shown row. */
  readonly before: number;
  /** Elided rows between the marked row and the kept tail (when the mark lies before the tail). */
  readonly between: number;
}

const STATUS_OFFSET = 0x070;
const HEX_REGISTER = /(Low|High|Features|MagicValue|VendorID)$/;

const num = (v: number, hex = false): string => (hex || Math.abs(v) >= 0x10000 ? `0x${v.toString(16)}` : String(v));

/** `drv.vq0.store_used_event` → `vq0 used_event`; `dev.vq1.load_avail_idx` → `vq1 avail.idx`; `drv.napi.tx.load_state` → `napi.tx state`. */
export function siteLabel(site: string): string {
  const segs = site.split('.');
  const last = segs.at(-1) ?? site;
  const qual = segs.slice(segs[0] === 'drv' || segs[0] === 'dev' ? 1 : 0, -1).join('.');
  let field = last.replace(/^(load|store)_/, '');
  if (field !== 'used_event' && field !== 'avail_event') field = field.replace(/^(used|avail|desc)_/, '$1.');
  return qual === '' ? field : `${qual} ${field}`;
}

function register(version: 1 | 2, dev: number, off: number, value: number | undefined): [string, string] {
  const name = `${dev === 0 ? '' : `dev${dev} `}${registerName(version, off)}`;
  if (value === undefined) return [name, '?'];
  if (off === STATUS_OFFSET) return [name, formatStatus(value)];
  return [name, num(value, HEX_REGISTER.test(name))];
}

function noteText(name: string, data: Readonly<Record<string, number | string | boolean>>): string {
  const parts = Object.entries(data).map(([k, v]) => `${k}=${typeof v === 'string' ? v : String(v)}`);
  return ['·', name, ...parts].join(' ');
}

/** Whether a record is memory traffic (hidden by `hideMemory`). */
export function isMemory(r: KernelRecord): boolean {
  if (r.kind === 'flush') return true;
  if (r.kind !== 'effect') return false;
  const k = r.effect.kind;
  return k === 'load' || k === 'store' || k === 'rmw' || k === 'fence';
}

const isNote = (r: KernelRecord): boolean => r.kind === 'effect' && r.effect.kind === 'note';

/**
 * The text of every record, in order. A flush is named after the store it commits (the
 * oldest buffered store of its process, FIFO as in TSO), so it needs the whole trace.
 * @example describeRecords(trace, 2)[12] // 'W Status=ACK|DRV'
 */
export function describeRecords(records: readonly KernelRecord[], regVersion: 1 | 2 = 2): string[] {
  const buffered = new Map<number, { addr: number; value: number; label: string }[]>();
  return records.map((r): string => {
    switch (r.kind) {
      case 'flush': {
        const queue = buffered.get(r.proc) ?? [];
        const head = queue[0];
        if (head && head.addr === r.addr && head.value === r.value) {
          queue.shift();
          return `flush ${head.label}=${num(r.value, head.label.includes('addr'))}`;
        }
        return `flush [0x${r.addr.toString(16)}]=${num(r.value)}`;
      }
      case 'irqEnter': return `⇢ irq line${r.line}`;
      case 'irqExit': return '⇠ irq';
      case 'exit': return '■ exit';
      case 'fault': return `✗ fault: ${r.message.replace(/\s+/g, ' ')}`;
      case 'quiescent': return '⊘ quiescent';
      case 'budget': return '⊘ step budget exhausted';
      case 'effect': break;
    }
    const e = r.effect;
    const label = e.site === '' ? '' : siteLabel(e.site);
    const at = (addr: number): string => (label === '' ? `[0x${addr.toString(16)}]` : label);
    const hex = label.includes('addr');
    switch (e.kind) {
      case 'load': return `ld ${at(e.addr)}→${r.result === undefined ? '?' : num(r.result, hex)}`;
      case 'store': {
        const queue = buffered.get(r.proc) ?? [];
        buffered.set(r.proc, queue);
        queue.push({ addr: e.addr, value: e.value, label: at(e.addr) });
        return `st ${at(e.addr)}=${num(e.value, hex)}`;
      }
      case 'rmw': {
        const old = r.result === undefined ? '' : ` →${num(r.result)}`;
        return e.op === 'cmpxchg'
          ? `cas ${at(e.addr)} ${num(e.expected)}⇒${num(e.value)}${old}`
          : `rmw ${at(e.addr)} ${e.op} ${num(e.value)}${old}`;
      }
      case 'fence': return `${e.fence === 'full' ? 'mb (full)' : e.fence} ${label.replace(/(^| )(mb|wmb|rmb)_/, '$1')}`.trimEnd();
      case 'mmioRead': {
        const [name, value] = register(regVersion, e.dev, e.off, r.result);
        return `R ${name}→${value}`;
      }
      case 'mmioWrite': {
        const [name, value] = register(regVersion, e.dev, e.off, e.value);
        return `W ${name}=${value}`;
      }
      case 'setIrq': return `IRQ line${e.line} ${e.level ? '↑' : '↓'}`;
      case 'sendMsi': return `MSI 0x${e.addr.toString(16)}/0x${e.data.toString(16)}`;
      case 'locked': return `lock ${e.site.split('.').at(-1) ?? e.site}`;
      case 'wait': return `wait ${e.site}`;
      case 'note': return noteText(e.note, e.data);
    }
  });
}

/** Apply the hide flags and keep the last `maxRows` rows, plus the marked row wherever it is. */
export function selectRows(records: readonly KernelRecord[], opts: ChartOptions): RowSelection {
  const { mark, hideNotes = false, hideMemory = false, maxRows = 80 } = opts;
  if (mark !== undefined && !(Number.isInteger(mark) && mark >= 0 && mark < records.length)) {
    throw new RangeError(`mark ${mark} is not an index into ${records.length} records`);
  }
  const visible: number[] = [];
  records.forEach((r, i) => {
    if (i === mark || !((hideNotes && isNote(r)) || (hideMemory && isMemory(r)))) visible.push(i);
  });
  if (visible.length <= maxRows) return { shown: visible, before: 0, between: 0 };
  const tail = visible.slice(visible.length - Math.max(0, maxRows));
  if (mark === undefined || tail.includes(mark)) return { shown: tail, before: visible.length - tail.length, between: 0 };
  const markPos = visible.indexOf(mark);
  return { shown: [mark, ...tail], before: markPos, between: visible.length - tail.length - markPos - 1 };
}

/** The lane of a record: its process, or -1 for the kernel's full-width rows. */
export const laneOf = (r: KernelRecord): number => (r.kind === 'quiescent' || r.kind === 'budget' ? -1 : r.proc);

const elided = (n: number, where: string): string => `… ${n} ${where} event${n === 1 ? '' : 's'} elided`;

/**
 * Render the chart. Text wider than its lane runs on over the lanes to its right.
 * @example renderSequenceChart(sim.world.trace, sim.procNames, { mark: 23, maxRows: 30 })
 */
export function renderSequenceChart(records: readonly KernelRecord[], procNames: readonly string[], opts: ChartOptions = {}): string {
  const width = Math.max(8, opts.laneWidth ?? 22);
  const texts = describeRecords(records, opts.regVersion ?? 2);
  const { shown, before, between } = selectRows(records, opts);
  const lanes = Math.max(procNames.length, ...records.map((r) => laneOf(r) + 1));
  const digits = String(Math.max(0, records.length - 1)).length;
  const prefix = 3 + 1 + digits + 1;
  const total = prefix + lanes * width;
  const names = Array.from({ length: lanes }, (_, i) => procNames[i] ?? `proc${i}`);
  const lines = [(' '.repeat(prefix) + names.map((n) => (n.length >= width ? `${n.slice(0, width - 2)}…` : n).padEnd(width)).join('')).trimEnd()];
  if (before > 0) lines.push(elided(before, 'earlier'));
  shown.forEach((index, k) => {
    const r = records[index]!;
    const marked = index === opts.mark;
    const head = `${marked ? '>> ' : '   '}${`#${index}`.padEnd(digits + 1)} `;
    const lane = laneOf(r);
    const text = texts[index] ?? '';
    let row: string;
    if (lane < 0) {
      const body = `─── ${text} `;
      row = head + body.padEnd(total - prefix, '─');
    } else {
      const cells = Array.from({ length: lanes }, () => '|'.padEnd(width));
      const left = cells.slice(0, lane).join('');
      const after = cells.slice(lane).join('');
      const cell = `| ${text} `;
      row = head + left + (cell.length >= after.length ? cell : cell + after.slice(cell.length));
    }
    lines.push(row.trimEnd() + (marked ? ' <== here' : ''));
    if (k === 0 && between > 0) lines.push(elided(between, 'further'));
  });
  return `${lines.join('\n')}\n`;
}
