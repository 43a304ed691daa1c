// P-ISR: the classic virtio-mmio interrupt (§4.2.2 InterruptStatus/InterruptACK,
// §4.2.3.4): the line is asserted exactly while InterruptStatus ≠ 0 (checked between
// atomic steps), a bit is set before the line rises, an ACK clears only what it wrote, and
// what the driver reads is exactly the events raised and not yet acked (MMIO-DEV-3), with no
// bit v1.4 does not define — and a driver shown one ignores it (MMIO-DRV-10).
// With several lines (the multi-line proposals): per-line status makes each line a level of
// its own bits again; one shared status has edges, for which only "bit before edge" and
// the ACK rules apply (no per-line level can be defined, notes §7.4 point 1).

import { LINE_STATUS_BITS, MMIO_INT } from '../../spec/facts/mmio-registers.ts';
import type { Oracle, OracleContext, OracleRun, Violation } from './types.ts';
import type { ProtocolEvent } from './decode.ts';

const LINE_MASK = (1 << LINE_STATUS_BITS) - 1;
/** The InterruptStatus bits v1.4 defines (§4.2.2): used buffer, configuration change. */
const DEFINED_ISR = MMIO_INT.VRING | MMIO_INT.CONFIG;

class IsrRun implements OracleRun {
  readonly violations: Violation[] = [];
  /** InterruptStatus per status slot: one shared, or one per line. */
  private readonly isr: number[];
  private readonly levels: number[];
  private readonly perLine: boolean;
  /** Lines whose level must equal (their status ≠ 0): one line, or per-line status. */
  private readonly levelLines: boolean;
  private pendingAck: { before: number[]; value: number; packed: boolean; at: number } | undefined;
  private lastChangeAt = -1;
  /** The first InterruptStatus read with undefined bits, judged once its handler says what it did (drv.irqHandled). */
  private undefinedRead: { at: number; value: number } | undefined;
  private undefinedJudged = false;

  constructor(private readonly ctx: OracleContext) {
    const { count, status } = ctx.interruptLines;
    this.perLine = status === 'per-line';
    this.levelLines = count === 1 || this.perLine;
    this.isr = new Array(this.perLine ? count : 1).fill(0);
    this.levels = new Array(count).fill(0);
  }

  private fail(at: number, requirements: string[], summary: string, explanation: string): void {
    if (this.violations.length < 8) this.violations.push({ property: 'P-ISR', requirements, at, summary, explanation });
  }

  /** The status slot of a device line (0 when shared). */
  private slot(line: number): number {
    return this.perLine ? line : 0;
  }

  private get classicStatus(): number {
    let v = 0;
    for (const s of this.isr) v |= s;
    return v;
  }

  private get packedStatus(): number {
    let v = 0;
    for (let k = 0; k < this.isr.length; k++) v |= this.isr[k]! << (LINE_STATUS_BITS * k);
    return v;
  }

  /** The bits an ACK write clears in a status slot. */
  private cleared(ack: { value: number; packed: boolean }, s: number): number {
    return ack.packed ? (ack.value >>> (LINE_STATUS_BITS * s)) & LINE_MASK : ack.value;
  }

  onEvent(ev: ProtocolEvent, at: number): void {
    switch (ev.t) {
      case 'note':
        if (ev.name === 'dev.isr') this.onStatus(Number(ev.data.value), Number(ev.data.line ?? 0), at);
        else if (ev.name === 'drv.irqHandled' && this.undefinedRead?.value === ev.data.status) this.judgeUndefined(ev.data);
        break;
      case 'drv.ack':
        if ((ev.value & ~DEFINED_ISR) !== 0 && this.ctx.judgeDriver) {
          this.fail(at, ['MMIO-DRV-11'], `driver wrote InterruptACK 0x${(ev.value >>> 0).toString(16)}, with bits §4.2.2 does not define`,
            'When finished with an interrupt the driver writes the mask of the events it handled: no undefined bit, and none it did not read (an event raised since its read would be cleared unseen).');
        }
        this.pendingAck = { before: [...this.isr], value: ev.value, packed: false, at };
        break;
      case 'drv.lineAck':
        this.pendingAck = { before: [...this.isr], value: ev.value, packed: true, at };
        break;
      case 'drv.readIsr':
        this.checkRead(at, ev.value, this.classicStatus, 'InterruptStatus');
        if ((ev.value & ~DEFINED_ISR) !== 0 && !this.undefinedJudged && !this.undefinedRead) this.undefinedRead = { at, value: ev.value };
        break;
      case 'drv.readLineIsr':
        this.checkRead(at, ev.value, this.packedStatus, 'the per-line status');
        break;
      case 'irq.set':
        this.onLine(ev.line - this.ctx.line, ev.level, at);
        break;
      case 'step':
        this.pendingAck = undefined; // an ACK's status changes come within its own step
        this.checkLevels(at);
        break;
      default:
        break;
    }
  }

  private onStatus(value: number, line: number, at: number): void {
    const s = this.perLine && line >= 0 ? line : 0;
    const ack = this.pendingAck;
    if (ack) {
      const expected = ack.before[s]! & ~this.cleared(ack, s);
      if (value !== expected) {
        const where = this.perLine ? ` of line ${s}` : '';
        this.fail(at, ['MMIO-DEV-3', 'MMIO-DRV-11'],
          `InterruptACK 0x${ack.value.toString(16)} left InterruptStatus${where} 0x${value.toString(16)}, not 0x${expected.toString(16)}`,
          `Let InterruptStatus${where} be 0x${ack.before[s]!.toString(16)} when the driver acks 0x${ack.value.toString(16)} (#${ack.at}). ` +
          `Then only the written bits may clear: 0x${expected.toString(16)} must remain. ` +
          `However the device now shows 0x${value.toString(16)}: an event the driver never saw was dropped.`);
      }
    }
    this.isr[s] = value;
    this.lastChangeAt = at;
  }

  private checkRead(at: number, read: number, expected: number, register: string): void {
    if (read === expected) return;
    this.fail(at, ['MMIO-DEV-3'], `${register} read 0x${read.toString(16)} but the events raised and acked make it 0x${expected.toString(16)}`,
      'Each bit shows an event from the moment it happens until the driver acks it; bits for events that did not happen read 0.');
  }

  private onLine(line: number, level: 0 | 1, at: number): void {
    if (line < 0 || line >= this.levels.length) return;
    if (level === 1 && this.isr[this.slot(line)] === 0) {
      this.fail(at, ['MMIO-DEV-3', 'MMIO-DEV-8'], `line ${line + this.ctx.line} raised with InterruptStatus 0`,
        'The line may only be asserted while some InterruptStatus bit says why; the handler will find nothing to do.');
    }
    this.levels[line] = level;
    this.lastChangeAt = at;
  }

  private checkLevels(at: number): void {
    if (!this.levelLines) return;
    for (let line = 0; line < this.levels.length; line++) {
      const status = this.isr[this.slot(line)]!;
      const level = this.levels[line]!;
      if (level === (status !== 0 ? 1 : 0)) continue;
      this.fail(at, ['MMIO-DEV-8', 'MMIO-DEV-3'],
        `line ${line + this.ctx.line} is ${level ? 'asserted' : 'low'} while InterruptStatus${this.perLine ? ` of line ${line}` : ''} is 0x${status.toString(16)}`,
        `Let the last change be at #${this.lastChangeAt}. Then, between atomic steps, the line must equal (InterruptStatus ≠ 0). ` +
        (level ? 'However it stays asserted with nothing to report: the driver is interrupted again and again (an interrupt storm).'
          : 'However it is low with a bit set: the event is never signalled.'));
    }
  }

  /**
   * InterruptStatus showed bits v1.4 does not define: the device's fault ("bits which do not
   * represent events which took place MUST be zero", MMIO-DEV-3). The driver must ignore
   * them (MMIO-DRV-10): test each defined bit on its own, so the VRING bit still scans the
   * queues and the CONFIG bit still runs the config path (vm_interrupt). Judged together, at
   * the read: the device's fault alone, or with a driver the undefined bit led astray.
   */
  private judgeUndefined(handled: Readonly<Record<string, unknown>> | undefined): void {
    const { at, value } = this.undefinedRead!;
    this.undefinedRead = undefined;
    this.undefinedJudged = true;
    const hex = `0x${value.toString(16)}`;
    const undefinedBits = `0x${(value & ~DEFINED_ISR).toString(16)}`;
    const missed = handled === undefined ? [] : [
      ...(value & MMIO_INT.VRING && handled.vring === false ? ['did not scan the queues for the used-buffer bit'] : []),
      ...(value & MMIO_INT.CONFIG && handled.config === false ? ['did not run the config path for the configuration-change bit'] : []),
    ];
    const device = `Let InterruptStatus read ${hex}. Then bits ${undefinedBits}, which v1.4 does not define, must read 0 (MMIO-DEV-3: bits of events that did not happen are zero)`;
    if (missed.length === 0) {
      this.fail(at, ['MMIO-DEV-3'], `InterruptStatus read ${hex}: undefined bits ${undefinedBits} set`, `${device}. However the device set them.`);
      return;
    }
    this.fail(at, ['MMIO-DEV-3', 'MMIO-DRV-10'], `InterruptStatus read ${hex} (undefined bits ${undefinedBits}) and the handler ${missed.join(' and ')}`,
      `${device}, and the driver must ignore undefined bits (MMIO-DRV-10), testing each defined bit on its own. ` +
      `However the device set them, and the handler, dispatching on the whole value, ${missed.join(' and ')}: the notification is lost.`);
  }

  finish(end: ProtocolEvent, at: number): void {
    if (this.undefinedRead) this.judgeUndefined(undefined);
    if (end.t === 'quiescent') this.checkLevels(at);
  }
}

export const isrOracle: Oracle = {
  property: 'P-ISR',
  description: 'line level = InterruptStatus ≠ 0 (per line, with per-line status); status bit before line; ACK clears only the written bits; no undefined InterruptStatus bit, and none that steers the handler (MMIO-DEV-3, MMIO-DRV-10)',
  events: ['drv.ack', 'drv.lineAck', 'drv.readIsr', 'drv.readLineIsr', 'irq.set', 'note', 'step'],
  notes: ['dev.isr', 'drv.irqHandled'],
  start: (ctx) => new IsrRun(ctx),
};
