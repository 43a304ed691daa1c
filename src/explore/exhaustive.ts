// Exhaustive, breadth-first exploration of every schedule of a small configuration, with
// state hashing: "no interleaving up to this bound breaks it", or the shortest
// counterexample (fewest scheduling choices) when one does.
//
// Generators cannot be copied, so a state is kept as the path that reaches it and is
// re-entered by replaying that path from the start (stateless search, as loom and CHESS
// do); a visited set of state fingerprints (state-hash.ts) stops every interleaving that
// reaches a state already seen — which is where independent steps in different orders meet,
// so the hashing also does the work of a partial-order reduction.
//
// Oracles are checked on every new state's record prefix (mid-run violations: P-ISR,
// P-STATUS, P-FEAT) and at every end (P-QUIESCE). Their verdicts depend only on the world
// state they mirror, so a pruned interleaving cannot hide a violation its twin does not show.

import { type ChoiceSource, type KernelRecord, type World, ArrayChoiceSource, encodePath } from '../kernel/index.ts';
import { buildSimulation } from '../sim/build.ts';
import type { SimConfig } from '../sim/config.ts';
import { checkRecords, type Violation } from '../oracles/index.ts';
import { quiesceOracle } from '../oracles/p-quiesce.ts';
import { oracleContext } from './run-once.ts';
import { fingerprint } from './state-hash.ts';
import { type NotifyLitmusConfig, NotifyLitmus } from '../scenarios/notify-litmus.ts';

/** What the explorer searches: a world built afresh for every replay, and its oracles. */
export interface ExhaustiveTarget {
  /** A new world under `source`, and the objects holding its JavaScript state (for the fingerprint). */
  build(source: ChoiceSource): { readonly world: World; readonly roots: readonly object[] };
  check(records: readonly KernelRecord[]): Violation[];
  /** Some oracle can fail before the end of a run (P-ISR, P-STATUS): check every new state, not only ends. */
  readonly midRun: boolean;
}

/** The whole simulation of a configuration (register negotiation included), every oracle. */
export function simulationTarget(config: SimConfig): ExhaustiveTarget {
  const ctx = oracleContext(config);
  return {
    build: (source) => {
      const sim = buildSimulation(config, source);
      return { world: sim.world, roots: [sim.device, sim.transport, sim.driver, sim.irq, sim.memory] };
    },
    check: (records) => checkRecords(records, ctx),
    midRun: true,
  };
}

/** The notification litmus (scenarios/notify-litmus.ts): lost interrupts and kicks, P-QUIESCE. */
export function notifyLitmusTarget(config: NotifyLitmusConfig): ExhaustiveTarget {
  const ctx = { mmioVersion: 2 as const, line: 0, buffered: config.memoryModel === 'tso', judgeDriver: true };
  return {
    build: (source) => {
      const l = new NotifyLitmus(config, source);
      return { world: l.world, roots: [l] };
    },
    check: (records) => checkRecords(records, ctx, [quiesceOracle]),
    midRun: false,
  };
}

export interface ExhaustiveOptions {
  /** Stop (verdict 'bounded') after this many distinct states. */
  readonly maxStates?: number;
  /** Scheduling choices per path; deeper states are not expanded (the bound B). */
  readonly maxDepth?: number;
  /** Called with the fingerprint of every complete run's end state (for cross-checks). */
  readonly onEnd?: (fp: string) => void;
}

export interface ExhaustiveResult {
  readonly verdict: 'verified' | 'violated' | 'bounded';
  /** Distinct states (fingerprints) reached. */
  readonly states: number;
  /** Complete runs (to quiescence or the step budget) among the explored schedules. */
  readonly schedules: number;
  /** Interleavings cut off because they reached a state already seen. */
  readonly merged: number;
  /** Longest path explored, in scheduling choices; the bound is `maxDepth` and the config's step budget. */
  readonly depth: number;
  readonly maxDepth: number;
  readonly ms: number;
  /** The shortest counterexample, when the verdict is 'violated'. */
  readonly counterexample?: ExhaustiveCounterexample;
}

export interface ExhaustiveCounterexample {
  readonly violation: Violation;
  /** The replay path (choice indices), and how many choices it makes. */
  readonly path: string;
  readonly choices: number;
  readonly records: readonly KernelRecord[];
  readonly procNames: readonly string[];
}

class FrontierReached {
  constructor(readonly enabled: number) {}
}

/** Replays `prefix`, then stops at the next choice (or runs to the end if there is none). */
class FrontierSource implements ChoiceSource {
  private pos = 0;
  constructor(private readonly prefix: readonly number[]) {}
  choose(_codes: Int32Array, n: number): number {
    if (this.pos < this.prefix.length) return this.prefix[this.pos++]!;
    throw new FrontierReached(n);
  }
}

type Probe =
  | { readonly kind: 'frontier'; readonly enabled: number; readonly world: World; readonly roots: readonly object[] }
  | { readonly kind: 'end'; readonly world: World; readonly roots: readonly object[] };

function probe(target: ExhaustiveTarget, prefix: readonly number[]): Probe {
  const { world, roots } = target.build(new FrontierSource(prefix));
  try {
    world.run();
  } catch (e) {
    if (!(e instanceof FrontierReached)) throw e;
    return { kind: 'frontier', enabled: e.enabled, world, roots };
  }
  return { kind: 'end', world, roots };
}

/** `now` is a clock for the report only (the simulator itself never reads time). */
export function exploreExhaustive(target: ExhaustiveTarget, opts: ExhaustiveOptions = {}, now: () => number = () => 0): ExhaustiveResult {
  const maxStates = opts.maxStates ?? 200_000;
  const maxDepth = opts.maxDepth ?? 10_000;
  const t0 = now();
  const visited = new Set<string>();
  let schedules = 0;
  let merged = 0;
  let depth = 0;
  let bounded = false;
  // The frontier, level by level: paths to states not yet expanded, with their choice count.
  let level: { path: number[]; enabled: number }[] = [];
  const result = (verdict: ExhaustiveResult['verdict'], cex?: ExhaustiveResult['counterexample']): ExhaustiveResult =>
    ({ verdict, states: visited.size, schedules, merged, depth, maxDepth, ms: now() - t0, ...(cex ? { counterexample: cex } : {}) });

  const visit = (path: number[]): ExhaustiveResult | undefined => {
    const p = probe(target, path);
    if ((p.kind === 'end' || target.midRun) && target.check(p.world.trace).length > 0) {
      // Breadth-first: the first violation found has the fewest choices. Run it to its end for the record.
      return result('violated', replayTarget(target, path).counterexample);
    }
    if (p.kind === 'end') {
      schedules++;
      if (opts.onEnd) opts.onEnd(fingerprint(p.world, p.roots));
      return undefined;
    }
    const fp = fingerprint(p.world, p.roots);
    if (visited.has(fp)) { merged++; return undefined; }
    visited.add(fp);
    if (path.length >= maxDepth) { bounded = true; return undefined; }
    level.push({ path, enabled: p.enabled });
    return undefined;
  };

  const first = visit([]);
  if (first) return first;
  while (level.length > 0) {
    const current = level;
    level = [];
    depth++;
    for (const node of current) {
      for (let c = 0; c < node.enabled; c++) {
        const done = visit([...node.path, c]);
        if (done) return done;
        if (visited.size >= maxStates) return result('bounded');
      }
    }
  }
  return result(bounded ? 'bounded' : 'verified');
}

/** One run of `target` along `path` (a printed counterexample), as an exhaustive result of one schedule. */
export function replayTarget(target: ExhaustiveTarget, path: readonly number[]): ExhaustiveResult {
  const { world } = target.build(new ArrayChoiceSource(path));
  world.run();
  const violation = target.check(world.trace)[0];
  const base = { states: 0, schedules: 1, merged: 0, depth: path.length, maxDepth: path.length, ms: 0 };
  if (!violation) return { verdict: 'verified', ...base };
  return { verdict: 'violated', ...base, counterexample: { violation, path: encodePath(path), choices: path.length, records: world.trace, procNames: world.procs.map((q) => q.name) } };
}
