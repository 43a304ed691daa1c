// Message-signalled interrupts on x86 (Intel SDM vol. 3 §11.11): a message names a
// destination CPU and a vector; that CPU's local APIC latches the vector in its IRR (edge:
// a second message before delivery merges) and delivers it when the CPU takes interrupts —
// a kernel choice, as for a line. The IRR bit clears on delivery, so a message arriving while
// the handler runs is delivered again afterwards. A message no handler owns, or with a
// malformed address, is recorded and dropped: Linux counts it as a spurious APIC vector.

import { type Process, type World, note, sendMsi } from '../kernel/index.ts';
import { msiDecode } from '../../spec/facts/msi-message.ts';

/** A handler registered in the irq domain for one (cpu, vector). */
export type MsiHandler = (cpu: number, vector: number) => Process;

/** `irqEnter.line` encodes an MSI vector above every line number: MSI_LINE_BASE + vector. */
export const MSI_LINE_BASE = 0x1000;
export const isMsiLine = (line: number): boolean => line >= MSI_LINE_BASE;

export class LocalApics {
  /** Per CPU: pending vectors (the IRR), lowest first when several. */
  private readonly irr: Set<number>[];
  /** Per CPU: vector → handler (the per-CPU vector_irq table). */
  private readonly handlers: Map<number, MsiHandler>[];
  /** Messages dropped (malformed, or no handler on the target): a metric and a trace note. */
  dropped = 0;
  private pendingCount = 0;

  constructor(private readonly world: World, readonly cpus: number) {
    this.irr = Array.from({ length: cpus }, () => new Set<number>());
    this.handlers = Array.from({ length: cpus }, () => new Map<number, MsiHandler>());
  }

  /** `request_irq` on an MSI: the irq domain binds (cpu, vector) to the handler. */
  register(cpu: number, vector: number, handler: MsiHandler): void {
    this.handlers[cpu]!.set(vector, handler);
  }

  /** The vector is released (after an affinity change, once nothing is pending on it). */
  unregister(cpu: number, vector: number): void {
    this.handlers[cpu]!.delete(vector);
  }

  isPending(cpu: number, vector: number): boolean {
    return this.irr[cpu]?.has(vector) ?? false;
  }

  /**
   * Device code inside a register handler or locked section writes a message: recorded
   * here (as `sendMsi`, the 64-bit address as one number), then received.
   */
  send(addrLo: number, addrHi: number, data: number, site: string): boolean {
    this.world.emit(this.world.current, sendMsi(addrHi * 0x1_0000_0000 + (addrLo >>> 0), data, site));
    return this.receive(addrLo >>> 0, addrHi >>> 0, data);
  }

  /** A message arrives (the bus's sendMsi). Returns false when it was dropped. */
  receive(addrLo: number, addrHi: number, data: number): boolean {
    const t = msiDecode(addrLo, addrHi, data);
    if (!t.ok) return this.drop({ addr: addrLo >>> 0, data, reason: t.reason });
    if (t.dest >= this.cpus || !this.handlers[t.dest]!.has(t.vector)) {
      return this.drop({ addr: addrLo >>> 0, data, cpu: t.dest, vector: t.vector, reason: `no handler for vector 0x${t.vector.toString(16)} on cpu${t.dest}` });
    }
    const irr = this.irr[t.dest]!;
    if (!irr.has(t.vector)) { irr.add(t.vector); this.pendingCount++; }
    return true;
  }

  private drop(data: Record<string, number | string>): false {
    this.dropped++;
    this.world.emit(this.world.current, note('apic.spuriousVector', data));
    return false;
  }

  /** The lowest pending vector of `cpu` (x86 takes the highest priority class first; order is immaterial here), or −1. */
  pendingFor(cpu: number): number {
    if (this.pendingCount === 0) return -1;
    let best = -1;
    for (const v of this.irr[cpu] ?? []) if (best < 0 || v < best) best = v;
    return best;
  }

  /** Deliver `vector` to `cpu`: the IRR bit clears, the handler runs. */
  take(cpu: number, vector: number): Process {
    this.irr[cpu]!.delete(vector);
    this.pendingCount--;
    const h = this.handlers[cpu]!.get(vector);
    return h ? h(cpu, vector) : this.unowned(cpu, vector);
  }

  /** The vector was released while still pending (a driver that freed it too early): spurious. */
  private *unowned(cpu: number, vector: number): Process {
    this.dropped++;
    yield note('apic.spuriousVector', { cpu, vector, reason: `vector 0x${vector.toString(16)} released while pending on cpu${cpu}` });
  }

  /** Vectors pending anywhere, for quiescence checks: `cpu:vector`. */
  pending(): string[] {
    return this.irr.flatMap((s, cpu) => [...s].map((v) => `cpu${cpu}:0x${v.toString(16)}`));
  }
}
