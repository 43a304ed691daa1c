// P-STATUS, queue part (MMIO-DEV-6, §4.2.2.1): the device touches no queue whose QueueReady
// is 0 — it takes no available entry from it and publishes no used entry on it; a kick of
// such a queue is to be ignored (QEMU virtio_queue_notify: no vring.desc, nothing done).
// Fed by notes only: dev.queueReady, dev.reset, dev.popAvail, dev.pushUsed, drv.kick.

import type { Oracle, OracleRun, Violation } from './types.ts';
import type { ProtocolEvent } from './decode.ts';

class QueueReadyRun implements OracleRun {
  readonly violations: Violation[] = [];
  private readonly ready = new Set<number>();
  private readonly lastKickAt = new Map<number, number>();

  onEvent(ev: ProtocolEvent, at: number): void {
    if (ev.t === 'drv.kick') { this.lastKickAt.set(ev.queue, at); return; }
    if (ev.t !== 'note') return;
    const d = ev.data;
    switch (ev.name) {
      case 'dev.queueReady':
        if (d.ready === true) this.ready.add(Number(d.q));
        else this.ready.delete(Number(d.q));
        return;
      case 'dev.reset': this.ready.clear(); return;
      case 'dev.popAvail':
      case 'dev.pushUsed': {
        const q = Number(d.q);
        if (this.ready.has(q) || this.violations.length >= 8) return;
        const kick = this.lastKickAt.get(q);
        this.violations.push({
          property: 'P-STATUS', requirements: ['MMIO-DEV-6'], at,
          summary: `device ${ev.name === 'dev.popAvail' ? 'took an available entry from' : 'published a used entry on'} vq${q}, whose QueueReady is 0${kick === undefined ? '' : ` (after a kick of vq${q} at #${kick})`}`,
          explanation: `Let vq${q} be not ready (never enabled, disabled, or reset since). Then the device must not access its memory (MMIO-DEV-6). ` +
            `However it ${ev.name === 'dev.popAvail' ? 'read an available entry' : 'wrote a used entry'}: a kick of a queue that is not ready must be ignored.`,
        });
        return;
      }
      default: return;
    }
  }

  finish(): void {}
}

export const queueReadyOracle: Oracle = {
  property: 'P-STATUS',
  description: 'the device takes and publishes entries only on queues whose QueueReady is 1 (MMIO-DEV-6)',
  events: ['drv.kick', 'note'],
  notes: ['dev.queueReady', 'dev.reset', 'dev.popAvail', 'dev.pushUsed'],
  start: () => new QueueReadyRun(),
};
