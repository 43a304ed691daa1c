// The device's interrupt lines. One line whose level is InterruptStatus ≠ 0 is the spec
// today (§4.2.3.4, MMIO-DEV-3/8). The multi-line proposals (2014, 2019, 2023 RFCs; notes §7)
// give a device N lines and put queue q on line (q / 2) mod N — rx k and tx k share one —
// with two ways to report why a line fired:
//  - `shared`: the one InterruptStatus for every line (what the RFCs did). "Line k is high
//    while a bit is set" cannot be defined per line, so the lines are edges, as with the KVM
//    irqfd injection the RFCs relied on: the device pulses line(q) after setting the bit;
//  - `per-line`: an EXPERIMENTAL status/ACK per line (MMIO_EXPERIMENTAL_LINES), each line a
//    level again (line k = its bits ≠ 0).
// Config changes go on line 0. The device spreads queues over the lines always, or (gate
// `feature`) only once the driver negotiated the experimental MULTI_IRQ bit — until then,
// and for an unaware driver, everything is on line 0 (notes §7.4 point 7).

import { hasFeature, VIRTIO_F_EXPERIMENTAL } from '../../../spec/facts/feature-bits.ts';
import { LINE_STATUS_BITS, MMIO_INT } from '../../../spec/facts/mmio-registers.ts';
import type { InterruptController } from '../../platform/interrupt-controller.ts';

export interface InterruptLineProfile {
  /** Lines the platform wires to the device (1 = the spec today). */
  readonly count: number;
  readonly status: 'shared' | 'per-line';
  /** Spread queues over lines always (no negotiation) or only with MULTI_IRQ negotiated. */
  readonly gate: 'always' | 'feature';
}

export const ONE_LINE: InterruptLineProfile = { count: 1, status: 'shared', gate: 'always' };

/** The proposals' queue→line formula (`vq2irq` for net, modulo the lines): rx k / tx k share one. */
export function lineOfQueue(q: number, lines: number): number {
  return (q >> 1) % lines;
}

/** The platform lines of a profile that are edges: several lines sharing one status (irqfd). */
export function edgeLines(profile: InterruptLineProfile, base: number): number[] {
  return profile.count > 1 && profile.status === 'shared' ? Array.from({ length: profile.count }, (_, k) => base + k) : [];
}

type Emit = (name: string, data: Record<string, number | string | boolean>) => void;

export class DeviceInterruptLines {
  /** InterruptStatus per line (`per-line`), or the one shared status in [0]. */
  private readonly status: number[];

  constructor(
    private readonly irq: InterruptController,
    /** The platform line number of the device's line 0; line k is base + k. */
    readonly base: number,
    readonly profile: InterruptLineProfile,
    /** The features the driver negotiated (for the `feature` gate). */
    private readonly features: () => bigint,
    private readonly emit: Emit,
    /** The mutant's formula: queue q on line q mod N (not shared with the driver). */
    private readonly byQueueIndex = false,
    /** The fault injection: bits v1.4 does not define, set with every used-buffer bit (against MMIO-DEV-3). 0 = none. */
    private readonly undefinedVringBits = 0,
  ) {
    this.status = new Array(profile.status === 'per-line' ? profile.count : 1).fill(0);
  }

  get multi(): boolean {
    return this.profile.count > 1;
  }

  /** Does the device use lines beyond 0 now? */
  private spreading(): boolean {
    return this.multi && (this.profile.gate === 'always' || hasFeature(this.features(), VIRTIO_F_EXPERIMENTAL.MMIO_MULTI_IRQ));
  }

  /** The device line an event goes to (config: line 0). */
  lineOf(kind: 'vring' | 'config', q: number): number {
    if (kind === 'config' || !this.spreading()) return 0;
    return this.byQueueIndex ? q % this.profile.count : lineOfQueue(q, this.profile.count);
  }

  /** InterruptStatus as the classic register shows it: every line's bits ORed. */
  get interruptStatus(): number {
    let v = 0;
    for (const s of this.status) v |= s;
    return v;
  }

  /** The EXPERIMENTAL per-line status register: line k's bits at 2k. */
  get lineStatus(): number {
    let v = 0;
    for (let k = 0; k < this.status.length; k++) v |= this.status[k]! << (LINE_STATUS_BITS * k);
    return v;
  }

  /** Record the event's bit and signal its line (under the device lock; bit first, MMIO-DEV-3). */
  raise(kind: 'vring' | 'config', q: number): void {
    const bit = kind === 'vring' ? MMIO_INT.VRING : MMIO_INT.CONFIG;
    const line = this.lineOf(kind, q);
    const s = this.profile.status === 'per-line' ? line : 0;
    const set = kind === 'vring' ? bit | this.undefinedVringBits : bit;
    this.status[s]! |= set;
    this.emit('dev.isr', { value: this.status[s]!, set, q, line });
    const site = `dev.raise_${kind}`;
    this.irq.drive(this.base + line, 1, site); // a level: its InterruptStatus ≠ 0 (MMIO-DEV-8)
    if (this.edges) this.irq.drive(this.base + line, 0, site); // an edge (irqfd): the controller latched it
  }

  /** Several lines sharing one status are edges (no per-line level can be defined). */
  private get edges(): boolean {
    return this.multi && this.profile.status === 'shared';
  }

  /**
   * InterruptACK (§4.2.2): clear the written bits (of every line), then each level line
   * follows its status. `clearAll` is the BZ-KVT-03 analogue; `keepLine` leaves the line up.
   */
  ack(value: number, clearAll: boolean, keepLine: boolean): void {
    for (let s = 0; s < this.status.length; s++) this.clear(s, clearAll ? ~0 : value, keepLine);
  }

  /** The EXPERIMENTAL per-line ACK: line k's written bits at 2k. */
  lineAck(value: number): void {
    for (let s = 0; s < this.status.length; s++) {
      const bits = (value >>> (LINE_STATUS_BITS * s)) & ((1 << LINE_STATUS_BITS) - 1);
      if (bits) this.clear(s, bits, false);
    }
  }

  private clear(s: number, bits: number, keepLine: boolean): void {
    this.status[s]! &= ~bits;
    this.emit('dev.isr', { value: this.status[s]!, set: 0, q: -1, line: this.profile.status === 'per-line' ? s : -1 });
    if (this.edges) return; // edges: nothing stays asserted
    if (!(keepLine && this.status[s] === 0)) this.irq.drive(this.base + s, this.status[s] !== 0 ? 1 : 0, 'dev.ack_update_irq');
  }

  /** Reset (MMIO-DEV-4): every status cleared, every level line low. */
  reset(): void {
    for (let s = 0; s < this.status.length; s++) {
      this.status[s] = 0;
      this.emit('dev.isr', { value: 0, set: 0, q: -1, line: this.profile.status === 'per-line' ? s : -1 });
      if (!this.edges) this.irq.drive(this.base + s, 0, 'dev.reset_irq');
    }
  }
}
