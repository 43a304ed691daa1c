// P-ISR: the classic virtio-mmio interrupt (§4.2.2 InterruptStatus/InterruptACK,
// §4.2.3.4): the line is asserted exactly while InterruptStatus ≠ 0 (checked between
// atomic steps), a bit is set before the line rises, an ACK clears only what it wrote, and
// what the driver reads is exactly the events raised and not yet acked (MMIO-DEV-3).

import type { Oracle, OracleContext, OracleRun, Violation } from './types.ts';
import type { ProtocolEvent } from './decode.ts';

class IsrRun implements OracleRun {
  readonly violations: Violation[] = [];
  private isr = 0;
  private level = 0;
  private pendingAck: { before: number; value: number; at: number } | undefined;
  private lastChangeAt = -1;

  constructor(private readonly ctx: OracleContext) {}

  private fail(at: number, requirements: string[], summary: string, explanation: string): void {
    if (this.violations.length < 8) this.violations.push({ property: 'P-ISR', requirements, at, summary, explanation });
  }

  onEvent(ev: ProtocolEvent, at: number): void {
    switch (ev.t) {
      case 'note':
        if (ev.name === 'dev.isr') {
          const value = Number(ev.data.value);
          const ack = this.pendingAck;
          if (ack) {
            this.pendingAck = undefined;
            const expected = ack.before & ~ack.value;
            if (value !== expected) {
              this.fail(at, ['MMIO-DEV-3', 'MMIO-DRV-11'],
                `InterruptACK 0x${ack.value.toString(16)} left InterruptStatus 0x${value.toString(16)}, not 0x${expected.toString(16)}`,
                `Let InterruptStatus be 0x${ack.before.toString(16)} when the driver acks 0x${ack.value.toString(16)} (#${ack.at}). ` +
                `Then only the written bits may clear: 0x${expected.toString(16)} must remain. ` +
                `However the device now shows 0x${value.toString(16)}: an event the driver never saw was dropped.`);
            }
          }
          this.isr = value;
          this.lastChangeAt = at;
        }
        break;
      case 'drv.ack':
        this.pendingAck = { before: this.isr, value: ev.value, at };
        break;
      case 'drv.readIsr':
        if (ev.value !== this.isr) {
          this.fail(at, ['MMIO-DEV-3'], `InterruptStatus read 0x${ev.value.toString(16)} but the events raised and acked make it 0x${this.isr.toString(16)}`,
            'Each bit shows an event from the moment it happens until the driver acks it; bits for events that did not happen read 0.');
        }
        break;
      case 'irq.set':
        if (ev.line !== this.ctx.line) break;
        if (ev.level === 1 && this.isr === 0) {
          this.fail(at, ['MMIO-DEV-3', 'MMIO-DEV-8'], `line ${ev.line} raised with InterruptStatus 0`,
            'The line may only be asserted while some InterruptStatus bit says why; the handler will find nothing to do.');
        }
        this.level = ev.level;
        this.lastChangeAt = at;
        break;
      case 'step':
        this.checkLevel(at);
        break;
      default:
        break;
    }
  }

  private checkLevel(at: number): void {
    const want = this.isr !== 0 ? 1 : 0;
    if (this.level !== want) {
      this.fail(at, ['MMIO-DEV-8', 'MMIO-DEV-3'],
        `line ${this.ctx.line} is ${this.level ? 'asserted' : 'low'} while InterruptStatus is 0x${this.isr.toString(16)}`,
        `Let the last change be at #${this.lastChangeAt}. Then, between atomic steps, the line must equal (InterruptStatus ≠ 0). ` +
        (this.level ? 'However it stays asserted with nothing to report: the driver is interrupted again and again (an interrupt storm).'
          : 'However it is low with a bit set: the event is never signalled.'));
    }
  }

  finish(end: ProtocolEvent, at: number): void {
    if (end.t === 'quiescent') this.checkLevel(at);
  }
}

export const isrOracle: Oracle = {
  property: 'P-ISR',
  description: 'line level = InterruptStatus ≠ 0; status bit before line; ACK clears only the written bits',
  events: ['drv.ack', 'drv.readIsr', 'irq.set', 'note', 'step'],
  notes: ['dev.isr'],
  start: (ctx) => new IsrRun(ctx),
};
