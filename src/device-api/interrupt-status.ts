// InterruptStatus and the one level line of virtio-mmio (§4.2.3.4, MMIO-DEV-3/8), for a
// device written against the device API: bit set before the line rises, ACK clears only
// the written bits, the line follows InterruptStatus ≠ 0 — each change noted for P-ISR.

import { type LockedEffect, locked } from '../kernel/index.ts';
import { MMIO_INT } from '../../spec/facts/mmio-registers.ts';
import type { DevicePlatform } from './types.ts';
import { DeviceNotes } from './notes.ts';

/**
 * The classic InterruptStatus register with its level line. Call `raise`/`ack`/`reset` from a
 * register handler or a `locked` run; from a generator `yield irq.raiseEffect('vring', q)`.
 * @example
 * const isr = new MmioInterruptStatus(platform);
 * // InterruptStatus read: return isr.value;  InterruptACK write: isr.ack(value);
 * yield isr.raiseEffect('vring', vq.index); // after virtio_should_notify said yes
 * @public
 */
export class MmioInterruptStatus {
  value = 0;

  constructor(private readonly platform: DevicePlatform, readonly line: number = platform.irqBase) {}

  /** Set the event's bit, then raise the line, in the current atomic step (MMIO-DEV-3). */
  raise(kind: 'vring' | 'config', q: number): void {
    const bit = kind === 'vring' ? MMIO_INT.VRING : MMIO_INT.CONFIG;
    this.value |= bit;
    this.platform.note(...DeviceNotes.isr(this.value, bit, q, 0));
    this.platform.setIrq(this.line, 1, `dev.raise_${kind}`);
  }

  /** InterruptACK: clear the written bits; the line follows what is left (MMIO-DEV-8). */
  ack(bits: number): void {
    this.value &= ~bits;
    this.platform.note(...DeviceNotes.isr(this.value, 0, -1, -1));
    this.platform.setIrq(this.line, this.value !== 0 ? 1 : 0, 'dev.ack_update_irq');
  }

  /** Reset (MMIO-DEV-4): cleared, line low. */
  reset(): void {
    this.value = 0;
    this.platform.note(...DeviceNotes.isr(0, 0, -1, -1));
    this.platform.setIrq(this.line, 0, 'dev.reset_irq');
  }

  /** `raise` as one atomic effect, for a generator (set the bit and the line in the same step). */
  raiseEffect(kind: 'vring' | 'config', q: number): LockedEffect {
    return locked(() => this.raise(kind, q), `dev.notify_${kind}`);
  }
}
