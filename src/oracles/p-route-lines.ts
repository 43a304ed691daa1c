// P-ROUTE for interrupt lines (the multi-line proposals, notes §7.4): an interrupt reaches a
// handler that services its queue.
//  - MIRQ-DEV-1: the device raises only lines the driver claimed (`request_irq`); a line
//    nobody claimed is never serviced (an unaware driver claims line 0 only, §7.4 point 7);
//  - MIRQ-DEV-2: queue q's interrupt goes on line (q / 2) mod N once the device spreads
//    queues (always, or once MULTI_IRQ is negotiated), line 0 before that; config on line 0;
//  - MIRQ-DRV-1: a handler woken on line L looks at every queue whose interrupt was raised on
//    L before it started (it reads that queue's used.idx) before it returns — whatever the
//    shared InterruptStatus shows: another line's handler may have acked the bit already
//    (§7.4 point 3, the lost wake-up of a handler that filters on the shared bit).
// Misrouting is reported where it happens, not only as the lost interrupt it causes later.

import { hasFeature, VIRTIO_F_EXPERIMENTAL } from '../../spec/facts/feature-bits.ts';
import { lineOfQueue } from '../transport/mmio/irq-lines.ts';
import type { Oracle, OracleContext, OracleRun, SharedViews, Violation } from './types.ts';
import type { ProtocolEvent } from './decode.ts';
import type { RingView } from './ring-view.ts';

interface Raised {
  readonly line: number;
  readonly at: number;
}

class RouteLinesRun implements OracleRun {
  readonly violations: Violation[] = [];
  private readonly claimed = new Set<number>();
  /** First raise of each line nobody had claimed then (judged at the end: a late request_irq still services a level line). */
  private readonly unclaimedRaise = new Map<number, { at: number; q: number }>();
  /** Per queue: its last interrupt not yet followed by a driver read of its used.idx. */
  private readonly unseen = new Map<number, Raised>();
  /** Per vCPU process: the line whose handler it runs and where that handler began. */
  private readonly inHandler = new Map<number, { line: number; at: number }>();
  private features = 0n;
  /** The raise a `dev.isr` note just announced, until the line it drives is seen (the driven line is judged, not only the announced one). */
  private announced: { q: number; line: number } | undefined;
  /** MIRQ-DRV-1 matters only with several lines (one line: the status bit is the handler's information). */
  private readonly judgeHandlers: boolean;

  constructor(private readonly ctx: OracleContext, private readonly rings: RingView) {
    this.judgeHandlers = ctx.interruptLines.count > 1;
  }

  private fail(at: number, requirements: string[], summary: string, explanation: string): void {
    if (this.violations.length < 8) this.violations.push({ property: 'P-ROUTE', requirements, at, summary, explanation });
  }

  private spreading(): boolean {
    const { count, gate } = this.ctx.interruptLines;
    return count > 1 && (gate === 'always' || hasFeature(this.features, VIRTIO_F_EXPERIMENTAL.MMIO_MULTI_IRQ));
  }

  onEvent(ev: ProtocolEvent, at: number): void {
    switch (ev.t) {
      case 'note':
        this.onNote(ev.name, ev.data, at);
        return;
      case 'mem.load': {
        if (!this.judgeHandlers) return;
        // The driver looked at a queue's used.idx: whatever the interrupt announced, it has seen.
        const f = this.rings.current;
        if (ev.side === 'drv' && f !== undefined && f.field === 'usedIdx') this.unseen.delete(f.q);
        return;
      }
      case 'irq.set': {
        const a = this.announced;
        this.announced = undefined;
        // MIRQ-DEV-2 on the line actually driven: a device whose status names one line and which drives another misroutes too.
        if (a && ev.level === 1 && ev.line - this.ctx.line !== a.line) this.checkLine(a.q, ev.line - this.ctx.line, at);
        return;
      }
      case 'irq.enter':
        this.inHandler.set(ev.proc, { line: ev.line - this.ctx.line, at });
        return;
      case 'irq.exit': {
        const h = this.inHandler.get(ev.proc);
        this.inHandler.delete(ev.proc);
        // With one line the status bit is the handler's information (MMIO-DRV-16); with several, a
        // line's own wake-up is, since another line's handler may have acked the shared bit.
        if (h && this.judgeHandlers) this.checkServiced(h.line, h.at, at);
        return;
      }
      default:
        return;
    }
  }

  private onNote(name: string, d: Readonly<Record<string, number | string | boolean>>, at: number): void {
    switch (name) {
      case 'drv.requestIrq': this.claimed.add(Number(d.line)); return;
      case 'dev.featuresOk': if (d.accepted === true) this.features = (BigInt(Number(d.hi)) << 32n) | BigInt(Number(d.lo)); return;
      case 'dev.reset': this.features = 0n; this.unseen.clear(); return;
      case 'dev.isr': {
        const set = Number(d.set);
        if (!set) return;
        const q = Number(d.q);
        const line = Number(d.line ?? 0);
        this.checkLine(set & 1 ? q : -1, line, at);
        this.announced = { q: set & 1 ? q : -1, line };
        if (!this.claimed.has(line) && !this.unclaimedRaise.has(line)) this.unclaimedRaise.set(line, { at, q });
        if (set & 1 && this.judgeHandlers) this.unseen.set(q, { line, at });
        return;
      }
      default:
        return;
    }
  }

  /** MIRQ-DEV-2: the line the shared formula gives (config: q = −1, line 0). */
  private checkLine(q: number, line: number, at: number): void {
    const expected = q < 0 || !this.spreading() ? 0 : lineOfQueue(q, this.ctx.interruptLines.count);
    if (line === expected) return;
    const what = q < 0 ? 'a configuration change' : `vq${q}`;
    this.fail(at, ['MIRQ-DEV-2'], `interrupt for ${what} raised on line ${line}, not line ${expected}`,
      `Let the device have ${this.ctx.interruptLines.count} lines, ${this.spreading() ? 'spreading queues as (q / 2) mod N' : 'all on line 0 (the driver has not negotiated several)'}. ` +
      `Then ${what} belongs on line ${expected}, the mapping both sides share. However the device raised line ${line}: the handler there does not expect it.`);
  }

  /** MIRQ-DRV-1: the handler of `line`, run from `entered` to `at`, looked at every queue raised on it before it began. */
  private checkServiced(line: number, entered: number, at: number): void {
    for (const [q, r] of this.unseen) {
      if (r.line !== line || r.at > entered) continue;
      this.unseen.delete(q);
      this.fail(at, ['MIRQ-DRV-1', 'MMIO-DRV-16'], `the interrupt for vq${q} on line ${line} (#${r.at}) was handled without looking at vq${q}`,
        `Let the device raise line ${line} for vq${q} at #${r.at}. Then the handler that line woke (#${entered}–#${at}) must look at vq${q}: it is the only wake-up vq${q} gets. ` +
        `However it returned without reading vq${q}'s used.idx — the shared InterruptStatus had been acked by another line's handler, so it found nothing: vq${q}'s buffers wait for some later interrupt.`);
    }
  }

  finish(): void {
    for (const [line, r] of this.unclaimedRaise) {
      if (this.claimed.has(line)) continue;
      const what = r.q < 0 ? 'a configuration change' : `vq${r.q}`;
      this.fail(r.at, ['MIRQ-DEV-1'], `interrupt for ${what} raised on line ${line}, which the driver never claimed`,
        `Let the driver request only line${this.claimed.size === 1 ? '' : 's'} ${[...this.claimed].join(', ') || '(none)'} (an unaware driver takes the first interrupt resource). ` +
        `Then the device must signal only there until the driver says it handles more. However it raised line ${line} at #${r.at}: no handler will ever run for it.`);
    }
  }
}

export const routeLinesOracle: Oracle = {
  property: 'P-ROUTE',
  description: 'with several interrupt lines: only claimed lines, the shared queue→line mapping, and a woken handler looks at its queues',
  events: ['irq.enter', 'irq.exit', 'irq.set', 'mem.load', 'note'],
  notes: ['drv.requestIrq', 'dev.featuresOk', 'dev.reset', 'dev.isr'],
  memory: 'ring-fields',
  start: (ctx: OracleContext, shared: SharedViews) => new RouteLinesRun(ctx, shared.rings),
};
