// The interrupt operators. The transport raises a line (`InterruptController.drive`) or sends
// a message (`LocalApics.send`) from platform code inside a `locked` effect or a register
// handler, not as an effect of its own; so these operators replace the two methods on the
// simulation's controller, which is as close to the effect as the platform gets.

import type { InterruptController } from '../platform/interrupt-controller.ts';
import type { World } from '../kernel/index.ts';
import type { FireCount, Mutant } from './operators.ts';

/** What the recording run learns about interrupts: drive sites (with levels), send sites, and the locked sections that raise. */
export interface InterruptSightings {
  readonly drives: Map<string, Set<0 | 1>>;
  /** Drive sites seen raising (level 1) inside a `locked` host section: the transport's raises, not register-side updates. */
  readonly raiseSites: Set<string>;
  readonly sends: Set<string>;
  /** Sites of `locked` effects during which a line was raised or a message sent. */
  readonly raisingSections: Set<string>;
  lineCount: number;
}

export function newSightings(): InterruptSightings {
  return { drives: new Map(), raiseSites: new Set(), sends: new Set(), raisingSections: new Set(), lineCount: 0 };
}

/** The site of the effect `world` is executing (the locked section or register access the platform code runs in). */
function enclosingSite(world: World): { kind: string; site: string } | undefined {
  const p = world.procs[world.current];
  const e = p?.frames.length ? p.top.pending : undefined;
  return e ? { kind: e.kind, site: e.site } : undefined;
}

/** Record every drive and send (the enumeration run). */
export function recordInterrupts(world: World, irq: InterruptController, seen: InterruptSightings): void {
  seen.lineCount = Math.max(seen.lineCount, irq.lineCount);
  const drive = irq.drive.bind(irq);
  irq.drive = (line, level, site) => {
    let levels = seen.drives.get(site);
    if (!levels) seen.drives.set(site, (levels = new Set()));
    levels.add(level);
    const at = enclosingSite(world);
    if (level === 1 && at?.kind === 'locked') {
      seen.raisingSections.add(at.site);
      seen.raiseSites.add(site);
    }
    drive(line, level, site);
  };
  const send = irq.msi.send.bind(irq.msi);
  irq.msi.send = (addrLo, addrHi, data, site) => {
    seen.sends.add(site);
    const at = enclosingSite(world);
    if (at?.kind === 'locked') seen.raisingSections.add(at.site);
    return send(addrLo, addrHi, data, site);
  };
}

/** The vector in an MSI data word (x86: the low byte). */
const VECTOR_MASK = 0xff;

/** Apply an interrupt operator (`drop-raise`, `misroute-raise`, `drop-line-update`) at its site. */
export function mutateInterrupts(irq: InterruptController, m: Mutant, count: FireCount): void {
  const drive = irq.drive.bind(irq);
  irq.drive = (line, level, site) => {
    if (site !== m.site) return drive(line, level, site);
    count.fired++;
    if (m.operator === 'misroute-raise') return drive((line + 1) % irq.lineCount, level, site);
    return undefined; // drop-raise, drop-line-update: the line is left as it was
  };
  const send = irq.msi.send.bind(irq.msi);
  irq.msi.send = (addrLo, addrHi, data, site) => {
    if (site !== m.site) return send(addrLo, addrHi, data, site);
    count.fired++;
    if (m.operator === 'misroute-raise') return send(addrLo, addrHi, (data & ~VECTOR_MASK) | ((data + 1) & VECTOR_MASK), site);
    return true; // dropped: the device believes it sent it
  };
}
