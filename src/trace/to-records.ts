// The inverse of toTraceEvents: trace events back into the kernel records the oracles read,
// one at a time (a checker streams a file through it). Actors become process numbers in
// order of first appearance; waits and locked sections get inert functions (only their site mattered).

import type { KernelRecord } from '../kernel/records.ts';
import type { AccessSize, RecordedEffect } from '../kernel/effects.ts';
import type { TraceEvent } from './jsonl.ts';

/** One record of an imported trace: the device it belongs to and the source line it came from. */
export interface SourcedRecord {
  readonly dev: number;
  readonly record: KernelRecord;
  readonly line: number;
}

const never = (): boolean => false;
const nothing = (): void => {};

/** Distinct actors a trace may name (a bound on the checker's memory, far above any real system). */
export const MAX_ACTORS = 4096;

export class RecordBuilder {
  private readonly procs = new Map<string, number>();

  /** The process number of `actor` (numbered in order of first appearance); undefined past MAX_ACTORS. */
  proc(actor: string): number {
    let p = this.procs.get(actor);
    if (p === undefined) {
      if (this.procs.size >= MAX_ACTORS) throw new RangeError(`more than ${MAX_ACTORS} distinct actors`);
      p = this.procs.size;
      this.procs.set(actor, p);
    }
    return p;
  }

  /** The record of one event; undefined for `meta` (a header, not an event of the run). */
  toRecord(e: TraceEvent): KernelRecord | undefined {
    const step = e.step;
    const effect = (eff: RecordedEffect, result?: number): KernelRecord => ({ kind: 'effect', step, proc: this.proc(e.actor), effect: eff, result });
    switch (e.type) {
      case 'mem.load': return effect({ kind: 'load', addr: e.addr, size: e.size, site: e.site }, e.value);
      case 'mem.store': return effect({ kind: 'store', addr: e.addr, size: e.size, value: e.value, site: e.site });
      case 'mem.rmw': return effect({ kind: 'rmw', addr: e.addr, size: e.size, op: e.op, value: e.value, expected: e.expected, site: e.site }, e.old);
      case 'fence': return effect({ kind: 'fence', fence: e.fence, site: e.site });
      case 'mmio.read': return effect({ kind: 'mmioRead', dev: e.dev, off: e.off, size: e.size, site: e.site }, e.value);
      case 'mmio.write': return effect({ kind: 'mmioWrite', dev: e.dev, off: e.off, size: e.size, value: e.value, site: e.site });
      case 'irq.set': return effect({ kind: 'setIrq', line: e.line, level: e.level, site: e.site });
      case 'msi.send': return effect({ kind: 'sendMsi', addr: e.addr, data: e.data, site: e.site });
      case 'dev.locked': return effect({ kind: 'locked', run: nothing, site: e.site });
      case 'wait': return effect({ kind: 'wait', until: never, site: e.site });
      case 'note': return effect({ kind: 'note', note: e.name, data: e.data, site: e.site });
      case 'mem.flush': return { kind: 'flush', step, proc: this.proc(e.actor), addr: e.addr, size: e.size as AccessSize, value: e.value };
      case 'irq.enter': return { kind: 'irqEnter', step, proc: this.proc(e.actor), line: e.line };
      case 'irq.exit': return { kind: 'irqExit', step, proc: this.proc(e.actor), line: e.line };
      case 'exit': return { kind: 'exit', step, proc: this.proc(e.actor) };
      case 'fault': return { kind: 'fault', step, proc: this.proc(e.actor), message: e.message };
      case 'quiescent': return { kind: 'quiescent', step };
      case 'budget': return { kind: 'budget', step };
      case 'meta': return undefined;
    }
  }
}
