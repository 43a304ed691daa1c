// Mutant enumeration: run the variant a few times with a recorder on every effect stream
// and on the interrupt controller, note each distinct site (and the pairs a swap or a
// skipped re-check needs), and generate every applicable (operator, site) mutant.

import { type Effect, type Process, ArrayChoiceSource, RecordingChoiceSource } from '../kernel/index.ts';
import { buildSimulation } from '../sim/build.ts';
import type { SimConfig } from '../sim/config.ts';
import { sourceFor } from '../explore/explore.ts';
import { type Mutant, disjoint } from './operators.ts';
import { type InterruptSightings, newSightings, recordInterrupts } from './interrupts.ts';

export interface Sightings {
  /** Fence sites with the kinds seen there. */
  readonly fences: Map<string, Set<string>>;
  /** A store at [0] directly followed, in the same frame, by a load/store at [1] on other bytes. */
  readonly swaps: Map<string, readonly [string, string, 'load' | 'store']>;
  /** A load at [1] directly after a full fence at [0], of an address its frame had read or written before (publish, barrier, re-read). */
  readonly rechecks: Map<string, readonly [string, string]>;
  readonly interrupts: InterruptSightings;
}

function* recordStream(inner: Process, seen: Sightings): Process {
  let input = 0;
  let prev: Effect | undefined; // the previous switch point of this frame (none after a note)
  const touched = new Set<number>();
  for (;;) {
    const r = inner.next(input);
    if (r.done) return;
    const e = r.value;
    if (e.kind === 'note' || e.kind === 'checkpoint') {
      prev = undefined;
      input = yield e;
      continue;
    }
    if (e.kind === 'fence') {
      let kinds = seen.fences.get(e.site);
      if (!kinds) seen.fences.set(e.site, (kinds = new Set()));
      kinds.add(e.fence);
    }
    if (prev?.kind === 'store' && (e.kind === 'load' || e.kind === 'store') && disjoint(prev, e)) {
      seen.swaps.set(`${prev.site}\n${e.site}`, [prev.site, e.site, e.kind]);
    }
    if (prev?.kind === 'fence' && prev.fence === 'full' && e.kind === 'load' && touched.has(e.addr)) {
      seen.rechecks.set(`${prev.site}\n${e.site}`, [prev.site, e.site]);
    }
    if (e.kind === 'load' || e.kind === 'store') touched.add(e.addr);
    prev = e;
    input = yield e;
  }
}

/** Record the sites of `runs` schedules of `config` (run 0: always the first enabled choice). */
export function recordSightings(config: SimConfig, runs: number, seed: number): Sightings {
  const seen: Sightings = { fences: new Map(), swaps: new Map(), rechecks: new Map(), interrupts: newSightings() };
  let expectedSteps = 16;
  for (let i = 0; i < runs; i++) {
    const source = new RecordingChoiceSource(i === 0 ? new ArrayChoiceSource([]) : sourceFor('pct', seed, i, expectedSteps));
    const sim = buildSimulation(config, source, () => {}, (_proc, gen) => recordStream(gen, seen));
    recordInterrupts(sim.world, sim.irq, seen.interrupts);
    sim.world.run();
    if (i === 0) expectedSteps = Math.max(16, sim.world.step);
  }
  return seen;
}

/** Every applicable mutant, in a stable order (operator, then site). */
export function enumerateMutants(seen: Sightings): Mutant[] {
  const out: Mutant[] = [];
  const sorted = <T>(xs: Iterable<T>, key: (x: T) => string) => [...xs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const fenceSites = sorted(seen.fences.keys(), (s) => s);
  for (const site of fenceSites) out.push({ operator: 'drop-fence', site });
  for (const site of fenceSites) if (seen.fences.get(site)!.has('full')) out.push({ operator: 'weaken-fence', site });
  const irq = seen.interrupts;
  for (const site of sorted(irq.raisingSections, (s) => s)) out.push({ operator: 'drop-notify', site });
  const raises = sorted(irq.raiseSites, (s) => s);
  const msiSends = sorted(irq.sends, (s) => s);
  for (const site of [...raises, ...msiSends]) out.push({ operator: 'drop-raise', site });
  for (const site of [...(irq.lineCount > 1 ? raises : []), ...msiSends]) out.push({ operator: 'misroute-raise', site });
  for (const [site] of sorted([...irq.drives].filter(([s]) => !raises.includes(s)), ([s]) => s)) out.push({ operator: 'drop-line-update', site });
  for (const [a, b] of sorted(seen.swaps.values(), ([a, b]) => `${a}\n${b}`)) out.push({ operator: 'swap', site: a, second: b });
  for (const [f, l] of sorted(seen.rechecks.values(), ([f, l]) => `${f}\n${l}`)) out.push({ operator: 'skip-recheck', site: f, second: l });
  return out;
}
