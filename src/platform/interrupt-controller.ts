// Interrupt lines and the controller (an IOAPIC) that delivers them to vCPUs. A level line
// asserted and not in service is deliverable to any CPU in its affinity; delivery is a
// kernel choice; it stays in service until the handler returns (EOI), and is delivered
// again if still asserted then. An edge line (a KVM irqfd GSI) latches each rising edge:
// the latch is delivered once, and an edge during service is delivered after the EOI
// (Linux handle_edge_irq's IRQS_PENDING).

import { type Process, type World, setIrq } from '../kernel/index.ts';
import { LocalApics, MSI_LINE_BASE, isMsiLine } from './local-apic.ts';

/** What `request_irq` registers: the handler to run for an interrupt on `line`, on `cpu`. */
export type IrqHandler = (cpu: number, line: number) => Process;

interface LineState {
  level: 0 | 1;
  readonly edge: boolean;
  /** Edge lines: a rising edge not yet delivered. */
  latched: boolean;
  inService: boolean;
  /** CPUs the line may be delivered to (IRQ affinity). */
  affinity: readonly number[];
  handler: IrqHandler | undefined;
  /** Deliveries, per CPU (a metric). */
  delivered: number[];
}

export class InterruptController {
  private readonly lines: LineState[] = [];
  /** MSI hook: the CPUs' local APICs, which take message-signalled interrupts (local-apic.ts). */
  readonly msi: LocalApics;

  constructor(private readonly world: World, readonly cpus: number, lineCount: number, edgeLines: readonly number[] = []) {
    this.msi = new LocalApics(world, cpus);
    for (let i = 0; i < lineCount; i++) {
      this.lines.push({ level: 0, edge: edgeLines.includes(i), latched: false, inService: false, affinity: range(cpus), handler: undefined, delivered: new Array(cpus).fill(0) });
    }
  }

  get lineCount(): number {
    return this.lines.length;
  }

  private line(n: number): LineState {
    const l = this.lines[n];
    if (!l) throw new RangeError(`interrupt line ${n} does not exist (the platform has ${this.lines.length})`);
    return l;
  }

  level(line: number): 0 | 1 {
    return this.line(line).level;
  }

  /** How many level lines are asserted or edge lines latched: the common "none" answer to `pendingFor` is one compare. */
  private asserted = 0;

  /** The device drives the line (the effect is already recorded by the kernel). */
  setLevel(line: number, level: 0 | 1): void {
    const l = this.line(line);
    if (l.edge) {
      if (level === 1 && l.level === 0 && !l.latched) {
        l.latched = true;
        this.asserted++;
      }
    } else {
      this.asserted += level - l.level;
    }
    l.level = level;
  }

  /** Device code inside a register handler or locked section drives the line: recorded here. */
  drive(line: number, level: 0 | 1, site: string): void {
    this.world.emit(this.world.current, setIrq(line, level, site));
    this.setLevel(line, level);
  }

  /** `request_irq`: the driver claims a line. An unclaimed line is never delivered. */
  request(line: number, handler: IrqHandler): void {
    this.line(line).handler = handler;
  }

  setAffinity(line: number, cpus: readonly number[]): void {
    this.line(line).affinity = cpus;
  }

  deliveries(line: number): readonly number[] {
    return this.line(line).delivered;
  }

  /** The lowest-numbered deliverable line for `cpu`, else its MSI vector (as MSI_LINE_BASE + vector), or −1. */
  pendingFor(cpu: number): number {
    if (this.asserted === 0) return this.msiPendingFor(cpu);
    const lines = this.lines;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      if ((l.edge ? l.latched : l.level === 1) && !l.inService && l.handler !== undefined && l.affinity.includes(cpu)) return i;
    }
    return this.msiPendingFor(cpu);
  }

  // --- MSI hook: message-signalled vectors after the lines (local-apic.ts) ---
  private msiPendingFor(cpu: number): number {
    const v = this.msi.pendingFor(cpu);
    return v < 0 ? -1 : MSI_LINE_BASE + v;
  }
  // --- end MSI hook ---

  take(cpu: number): { handler: Process; line: number } {
    const n = this.pendingFor(cpu);
    if (n < 0) throw new Error('[kernel bug] interrupt taken with none pending');
    if (isMsiLine(n)) return { handler: this.msi.take(cpu, n - MSI_LINE_BASE), line: n }; // MSI hook
    const l = this.lines[n]!;
    l.inService = true;
    if (l.edge) {
      l.latched = false;
      this.asserted--;
    }
    l.delivered[cpu] = (l.delivered[cpu] ?? 0) + 1;
    return { handler: l.handler!(cpu, n), line: n };
  }

  endOfInterrupt(line: number): void {
    if (isMsiLine(line)) return; // MSI hook: edge, the IRR bit cleared at delivery
    this.line(line).inService = false;
  }

  /** Asserted level lines and latched edges, for quiescence checks. */
  assertedLines(): number[] {
    return this.lines.flatMap((l, i) => ((l.edge ? l.latched : l.level === 1) ? [i] : []));
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
