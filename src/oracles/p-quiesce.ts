// P-QUIESCE: when nothing can move (every process blocked, nothing buffered, no interrupt
// deliverable), every published used entry was consumed (else a lost interrupt) and every
// available buffer the device has work for was taken (else a lost kick). §2.7.7, §2.7.10.

import type { Oracle, OracleContext, OracleRun, SharedViews, Violation } from './types.ts';
import type { ProtocolEvent } from './decode.ts';
import type { RingView } from './ring-view.ts';

const LOST_INTERRUPT = ['NOTIF-DEV-2', 'NOTIF-DEV-4', 'NOTIF-DRV-9', 'MMIO-DRV-16'];
const LOST_KICK = ['NOTIF-DRV-5', 'NOTIF-DRV-6', 'NOTIF-DRV-7', 'NOTIF-DRV-8', 'NOTIF-DEV-8'];

interface QueueView {
  nextAvail: number;
  lastUsed: number;
  /** For queues fed by a backend (rx): packets waiting for a buffer; undefined = always has work. */
  backlog: number | undefined;
  lastKickAt: number;
  lastUsedAt: number;
}

class QuiesceRun implements OracleRun {
  readonly violations: Violation[] = [];
  private readonly queues = new Map<number, QueueView>();
  private active = false;
  /** Level lines asserted now (edge lines latch in the controller and do not stay up). */
  private readonly asserted = new Set<number>();
  private readonly levelLines: boolean;

  /** `rings`: where each queue's indices are and their committed values (shared by the stream). */
  constructor(ctx: OracleContext, private readonly rings: RingView) {
    this.levelLines = ctx.interruptLines.count === 1 || ctx.interruptLines.status === 'per-line';
  }

  private queue(q: number): QueueView {
    let v = this.queues.get(q);
    if (!v) {
      v = { nextAvail: 0, lastUsed: 0, backlog: undefined, lastKickAt: -1, lastUsedAt: -1 };
      this.queues.set(q, v);
    }
    return v;
  }

  onEvent(ev: ProtocolEvent, at: number): void {
    switch (ev.t) {
      case 'irq.set':
        if (!this.levelLines) break;
        if (ev.level) this.asserted.add(ev.line);
        else this.asserted.delete(ev.line);
        break;
      case 'drv.kick':
        this.queue(ev.queue).lastKickAt = at;
        break;
      case 'note': {
        const d = ev.data;
        switch (ev.name) {
          case 'dev.queueReady': {
            const v = this.queue(Number(d.q)); // ready or not: the shared ring view knows which
            v.nextAvail = 0;
            v.lastUsed = 0;
            break;
          }
          case 'dev.popAvail': this.queue(Number(d.q)).nextAvail = Number(d.nextAvail); break;
          case 'dev.pushUsed': this.queue(Number(d.q)).lastUsedAt = at; break;
          case 'drv.getUsed': this.queue(Number(d.q)).lastUsed = Number(d.lastUsed); break;
          case 'dev.backlog': this.queue(Number(d.q)).backlog = Number(d.n); break;
          case 'dev.activate': this.active = true; break;
          case 'dev.reset': this.active = false; break; // the ring view drops every queue
          case 'dev.needsReset': this.active = false; break; // §2.1.1: no completion is owed once DEVICE_NEEDS_RESET is set; a reset reclaims the rest
          default: break;
        }
        break;
      }
      default:
        break;
    }
  }

  finish(end: ProtocolEvent, at: number): void {
    if (end.t !== 'quiescent') return;
    const [line] = this.asserted;
    if (line !== undefined && this.active) {
      this.violations.push({
        property: 'P-QUIESCE', requirements: ['MMIO-DEV-8', 'MMIO-DRV-16'], at,
        summary: `quiescent with interrupt line ${line} asserted and no handler able to take it`,
        explanation: 'The line is high, yet no vCPU can be interrupted: the interrupt is never serviced.',
      });
    }
    if (!this.active) return;
    for (const [q, v] of this.queues) {
      const rings = this.rings.queues.get(q);
      if (!rings) continue; // not ready (the ring view holds ready queues only)
      const usedIdx = this.rings.value(rings, 'usedIdx');
      const availIdx = this.rings.value(rings, 'availIdx');
      if (usedIdx !== v.lastUsed) {
        this.violations.push({
          property: 'P-QUIESCE', requirements: LOST_INTERRUPT, at,
          summary: `lost interrupt: quiescent with used.idx=${usedIdx} on vq${q} but the driver consumed up to ${v.lastUsed}`,
          explanation: `Let the device publish used entries up to ${usedIdx} on vq${q} (last at #${v.lastUsedAt}). ` +
            `Then the driver owes them a visit: it consumed up to ${v.lastUsed}. ` +
            `However every process is blocked and no interrupt is pending: nothing will ever make the driver look again.`,
        });
      }
      const hasWork = v.backlog === undefined || v.backlog > 0;
      if (availIdx !== v.nextAvail && hasWork) {
        this.violations.push({
          property: 'P-QUIESCE', requirements: LOST_KICK, at,
          summary: `lost kick: quiescent with avail.idx=${availIdx} on vq${q} but the device stopped at ${v.nextAvail}`,
          explanation: `Let the driver make buffers available up to ${availIdx} on vq${q} (last kick at #${v.lastKickAt}). ` +
            `Then the device has work it has not taken (it read up to ${v.nextAvail}${v.backlog ? `, with ${v.backlog} packets waiting` : ''}). ` +
            `However the device is asleep waiting for a kick that will never come.`,
        });
      }
    }
  }
}

export const quiesceOracle: Oracle = {
  property: 'P-QUIESCE',
  description: 'at quiescence no used entry is unconsumed and no available buffer with work is untaken',
  events: ['drv.kick', 'irq.set', 'note'],
  notes: ['dev.queueReady', 'dev.popAvail', 'dev.pushUsed', 'drv.getUsed', 'dev.backlog', 'dev.activate', 'dev.reset', 'dev.needsReset'],
  start: (ctx: OracleContext, shared: SharedViews) => new QuiesceRun(ctx, shared.rings),
};
