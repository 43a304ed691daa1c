// The guest's kprobe trace (ftrace text, README "Driver-side trace"): the driver's view of
// each ring at its kick decisions — avail.idx it published, avail_event / used.flags as it
// read them, needs_kick — and its QueueNotify writes (vm_notify). Imported as the driver-side
// records P-KICK-MUST reads, per guest virtio device. Ring addresses are not in this trace:
// each queue gets a synthetic, disjoint address range (only the fields' identity matters).

import type { KernelRecord } from '../../kernel/records.ts';
import type { NoteData, RecordedEffect } from '../../kernel/effects.ts';
import { MMIO } from '../../../spec/facts/mmio-registers.ts';
import { splitRing } from '../../../spec/facts/split-ring-layout.ts';
import { VIRTIO_F } from '../../../spec/facts/feature-bits.ts';
import { TraceFormatError } from '../jsonl.ts';
import type { SourcedRecord } from '../to-records.ts';

const LINE = /^\s*(.+)-(\d+)\s+\[(\d{1,4})\]\s+\S+\s+(\d+\.\d+): (\w+): (.*)$/;
const PAIR = /(\w+)=("[^"]*"|\S+)/g;
const DRIVER_PROC = 0;

/** The device type a queue name belongs to (Linux virtio_net / virtio_blk queue names). */
export function deviceTypeOfQueue(name: string): 'net' | 'blk' | 'other' {
  if (/^(input|output)\.\d+$/.test(name) || name === 'control') return 'net';
  return /^req\.\d+$/.test(name) ? 'blk' : 'other';
}

interface GuestQueue { published: number }
interface GuestDevice { readonly dev: number; type: 'net' | 'blk' | 'other'; readonly queues: Map<number, GuestQueue>; started: boolean }

export class GuestImporter {
  readonly devices = new Map<number, GuestDevice>();
  /** A kick_prepare waiting for its return, per task (pid) and CPU. */
  private readonly pending = new Map<string, { dev: number; vq: number; read: number }>();
  private step = 0;
  private line = 0;
  kickDecisions = 0;

  /** `eventIdx(type)`: whether the device of that type negotiated VIRTIO_F_EVENT_IDX (from the QEMU trace). */
  constructor(private readonly sink: (r: SourcedRecord) => void, private readonly eventIdx: (type: 'net' | 'blk' | 'other') => boolean) {}

  /** Feed one line of the guest trace (comments and other events are skipped). */
  feed(text: string, lineNo: number): void {
    this.line = lineNo;
    if (text.startsWith('#') || text.trim() === '') return;
    const m = LINE.exec(text);
    if (!m) throw new TraceFormatError(lineNo, undefined, `is not an ftrace line ("<task>-<pid> [<cpu>] <flags> <time>: <event>: …"): ${JSON.stringify(text.slice(0, 60))}`);
    const event = m[5]!;
    if (event !== 'kick_prepare' && event !== 'kick_prepare_ret' && event !== 'vm_notify') return;
    const f: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const p of m[6]!.matchAll(PAIR)) f[p[1]!] = p[2]!;
    const task = `${m[2]}@${m[3]}`;
    const num = (k: string, max = 0xffff): number => {
      const v = f[k];
      if (v === undefined || !/^\d{1,10}$/.test(v) || Number(v) > max) throw new TraceFormatError(lineNo, `${event}.${k}`, `must be an integer between 0 and ${max}, got ${JSON.stringify(v ?? 'nothing')}`);
      return Number(v);
    };
    if (event === 'kick_prepare_ret') {
      const p = this.pending.get(task);
      this.pending.delete(task);
      if (!p) return;
      const needs = num('needs_kick', 1);
      const d = this.devices.get(p.dev)!;
      this.kickDecisions++;
      // The decision: what the driver read of the device's field (captured at entry), and its verdict as a note.
      this.effect(d, { kind: 'load', addr: this.decisionField(d, p.vq), size: 2, site: 'drv.vq.kick_prepare_read' }, p.read);
      this.note(d, 'drv.kickPrepare', { q: p.vq, needsKick: needs === 1 });
      return;
    }
    const dev = num('dev', 255);
    const vq = num('vq', 1023);
    const d = this.device(dev, f['name']?.replace(/"/g, '') ?? '');
    const q = this.queue(d, vq, num('num', 32768));
    if (event === 'vm_notify') {
      this.step++;
      this.effect(d, { kind: 'mmioWrite', dev, off: MMIO.QueueNotify, size: 4, value: vq, site: 'drv.vm_notify' });
      return;
    }
    // kick_prepare: the device's fields as they were (its stores), then the driver's published avail.idx.
    this.step++;
    const ev = this.eventIdx(d.type);
    this.effect(d, { kind: 'store', addr: splitRing.availEvent(this.used(vq), 1024), size: 2, value: num('mem_avail_event'), site: 'dev.vq.avail_event' });
    this.effect(d, { kind: 'store', addr: splitRing.usedFlags(this.used(vq)), size: 2, value: num('mem_used_flags'), site: 'dev.vq.used_flags' });
    const idx = num('avail_idx_shadow');
    if (idx !== q.published) {
      this.effect(d, { kind: 'store', addr: splitRing.availIdx(this.avail(vq)), size: 2, value: idx, site: 'drv.vq.store_avail_idx' });
      q.published = idx;
    }
    if (!this.pending.has(task) && this.pending.size >= 4096) throw new TraceFormatError(lineNo, 'task', 'has more than 4096 kick decisions open at once: not a trace of one guest');
    this.pending.set(task, { dev, vq, read: ev ? num('mem_avail_event') : num('mem_used_flags') });
  }

  /** The end of the guest trace: the driver's obligations are judged here. */
  end(): void {
    this.step++;
    for (const d of this.devices.values()) this.sink({ dev: d.dev, record: { kind: 'quiescent', step: this.step }, line: this.line });
  }

  private avail(vq: number): number { return 0x1000_0000 + vq * 0x10_0000; }
  private used(vq: number): number { return this.avail(vq) + 0x8_0000; }
  /** The field a kick decision reads: avail_event with EVENT_IDX, else used.flags (NO_NOTIFY). */
  private decisionField(d: GuestDevice, vq: number): number {
    return this.eventIdx(d.type) ? splitRing.availEvent(this.used(vq), 1024) : splitRing.usedFlags(this.used(vq));
  }

  private device(dev: number, queueName: string): GuestDevice {
    let d = this.devices.get(dev);
    if (!d) {
      d = { dev, type: deviceTypeOfQueue(queueName), queues: new Map(), started: false };
      this.devices.set(dev, d);
    }
    if (!d.started) {
      d.started = true;
      const lo = this.eventIdx(d.type) ? 1 << VIRTIO_F.EVENT_IDX : 0;
      this.note(d, 'dev.featuresOk', { accepted: true, lo, hi: 1 });
    }
    return d;
  }

  private queue(d: GuestDevice, vq: number, num: number): GuestQueue {
    let q = d.queues.get(vq);
    if (!q) {
      if (num !== 1024) throw new TraceFormatError(this.line, 'num', `must be 1024 (the ring size the event-index offsets of this trace assume), got ${num}`);
      q = { published: 0 };
      d.queues.set(vq, q);
      this.note(d, 'dev.queueReady', { q: vq, ready: true, num, desc: 0, avail: this.avail(vq), used: this.used(vq), width: 16 });
    }
    return q;
  }

  private effect(d: GuestDevice, effect: RecordedEffect, result?: number): void {
    const record: KernelRecord = { kind: 'effect', step: this.step, proc: DRIVER_PROC, effect, result };
    this.sink({ dev: d.dev, record, line: this.line });
  }

  private note(d: GuestDevice, name: string, data: NoteData): void {
    this.effect(d, { kind: 'note', note: name, data, site: name });
  }
}
