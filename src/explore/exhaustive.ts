// Exhaustive, breadth-first exploration of every schedule of a small configuration, with
// state hashing and a partial-order reduction: "no interleaving up to this bound breaks it",
// or the shortest counterexample (fewest scheduling choices) when one does.
//
// Generators cannot be copied, so a state is kept as the path that reaches it and is
// re-entered by replaying that path from the start (stateless search, as loom and CHESS
// do); a visited set of state fingerprints (state-hash.ts) stops every interleaving that
// reaches a state already seen — which is where independent steps in different orders meet.
//
// The reduction (persistent sets of one step, Godefroid 1996): a step that commutes with
// every step of every other agent and that no other agent can disable is taken at once,
// without branching — exploring the others first reaches the same states. Such steps are
// (`localStep`): a fence that does nothing (any fence under SC; wmb/rmb, or mb with an empty
// buffer, under TSO), and, under TSO, a store into the process's own (not full) buffer — but
// only where no interrupt can enter between (an interrupt handler, a trapped exit, a thread
// without interrupts), since a handler on the same CPU does see the difference. Terminal
// states are preserved; the cross-check test compares end states with and without it.
//
// What a verdict covers. With `midRun`, the oracles run on every probe's record prefix,
// merged ones included, so every violation raised *during* a run (P-STATUS, P-FEAT, P-ISR,
// P-WRAP, and P-IRQ-MUST / P-KICK-MUST's "decided again") is found on every path. Checks
// made at the *end* of a run are sound only when they are a function of the end state:
// P-QUIESCE is (memory, and the device's and driver's positions, which their JS state
// holds). The end-of-run parts of P-IRQ-MUST / P-KICK-MUST depend on the path (what was
// read, when a store became visible): they are judged on the explored ends only — the
// notification litmus therefore checks P-QUIESCE alone, and random/PCT search the rest.

import { type ChoiceSource, type KernelRecord, type World, type WorldOptions, ArrayChoiceSource, ChoiceKind, choiceKind, choiceProc, encodePath } from '../kernel/index.ts';
import { buildSimulation } from '../sim/build.ts';
import type { SimConfig } from '../sim/config.ts';
import { checkRecords, type Violation } from '../oracles/index.ts';
import { quiesceOracle } from '../oracles/p-quiesce.ts';

import { oracleContext } from './run-once.ts';
import { ONE_LINE } from '../transport/mmio/irq-lines.ts';
import { fingerprint } from './state-hash.ts';
import { type NotifyLitmusConfig, NotifyLitmus, litmusLineProfile } from '../scenarios/notify-litmus.ts';
import { type MsiLitmusConfig, MsiLitmus } from '../scenarios/msi-litmus.ts';
import { routeMsiOracle } from '../oracles/p-route-msi.ts';

/** What the explorer searches: a world built afresh for every replay, and its oracles. */
export interface ExhaustiveTarget {
  /**
   * A new world under `source`, and the objects holding its JavaScript state (for the
   * fingerprint). With `record: false` the world may drop its trace (the explorer asks so
   * for probes whose records no oracle reads: most of its allocation otherwise).
   */
  build(source: ChoiceSource, record?: boolean): { readonly world: World; readonly roots: readonly object[] };
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

/**
 * The notification litmus (scenarios/notify-litmus.ts): lost interrupts and kicks —
 * P-QUIESCE, a function of the end state, so merged interleavings hide nothing (see the header).
 */
export function notifyLitmusTarget(config: NotifyLitmusConfig, wrap?: WorldOptions['wrap']): ExhaustiveTarget {
  const ctx = { mmioVersion: 2 as const, line: 0, interruptLines: litmusLineProfile(config), buffered: config.memoryModel !== 'sc', judgeDriver: true };
  const oracles = [quiesceOracle]; // one list for every check: the checker builds its event routes once per list
  return {
    build: (source, record = true) => {
      const l = new NotifyLitmus(config, source, record, wrap);
      return { world: l.world, roots: [l] };
    },
    check: (records) => checkRecords(records, ctx, oracles),
    midRun: false,
  };
}

/**
 * The MSI vector-update litmus (scenarios/msi-litmus.ts): P-ROUTE, which judges every send
 * as it happens (torn, stale, misrouted; the device's vector chart), so every state is checked.
 */
export function msiLitmusTarget(config: MsiLitmusConfig): ExhaustiveTarget {
  const ctx = { mmioVersion: 2 as const, line: 0, interruptLines: ONE_LINE, buffered: false, judgeDriver: true };
  return {
    build: (source, record = true) => {
      const l = new MsiLitmus(config, source, record);
      return { world: l.world, roots: [l] };
    },
    check: (records) => checkRecords(records, ctx, [routeMsiOracle]),
    midRun: true,
  };
}

export interface ExhaustiveOptions {
  /** Stop (verdict 'bounded') after this many distinct states. */
  readonly maxStates?: number;
  /** Scheduling choices per path; deeper states are not expanded (the bound B). */
  readonly maxDepth?: number;
  /** Called with the fingerprint of every complete run's end state (for cross-checks). */
  readonly onEnd?: (fp: string) => void;
  /** Take local steps without branching (default true; false only to cross-check the reduction). */
  readonly reduce?: boolean;
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
  /** Choices taken without branching because the step was local (the reduction's saving). */
  readonly localSteps: number;
  /** The shortest counterexample, when the verdict is 'violated'. */
  readonly counterexample?: ExhaustiveCounterexample;
}

export interface ExhaustiveCounterexample {
  readonly violation: Violation;
  /** The replay path (every choice index, local steps included): `run --replay` takes it as is. */
  readonly path: string;
  /** Scheduling decisions on the path: the choices the search branched on (minimal). */
  readonly choices: number;
  readonly records: readonly KernelRecord[];
  readonly procNames: readonly string[];
}

class FrontierReached {
  constructor(readonly enabled: number) {}
}

/**
 * The one step of a persistent set of size one among `codes[0..n)`, or −1. See the header:
 * the step must commute with every other agent's step and stay enabled whatever they do.
 */
export function localStep(world: World, codes: Int32Array, n: number): number {
  const tso = world.options.memoryModel !== 'sc'; // buffered (TSO or PSO); a PSO wmb only re-epochs its own buffer: local
  for (let i = 0; i < n; i++) {
    const code = codes[i]!;
    if (choiceKind(code) !== ChoiceKind.Step) continue;
    const p = world.procs[choiceProc(code)]!;
    const e = p.top.pending!;
    if (e.kind === 'fence') {
      if (!tso || e.fence !== 'full' || p.buffer.length === 0) return i; // changes nothing
      continue;
    }
    if (!tso || (p.interrupts !== undefined && p.frames.length === 1)) continue; // an interrupt could enter before it
    // Into its own buffer: invisible until its flush, a separate choice — unless the buffer is
    // full and the store first makes its oldest entry visible.
    if (e.kind === 'store' && p.buffer.length < (world.options.storeBufferDepth ?? Infinity)) return i;
    // Not a load served by the buffer: its own flush, then another CPU's store to the same
    // address, would make it read memory instead — it does not commute with that flush.
  }
  return -1;
}

/**
 * Replays `prefix` (the branching choices), then stops at the next branching choice, or
 * runs to the end if there is none. Local steps are taken without consuming the prefix;
 * `full` records every choice made, the path that replays the run with no reduction.
 */
class FrontierSource implements ChoiceSource {
  private pos = 0;
  world: World | undefined;
  readonly full: number[] = [];
  local = 0;
  constructor(private readonly prefix: readonly number[], private readonly reduce: boolean) {}
  choose(codes: Int32Array, n: number): number {
    const l = this.reduce ? localStep(this.world!, codes, n) : -1;
    let c: number;
    if (l >= 0) { c = l; this.local++; }
    else if (this.pos < this.prefix.length) c = this.prefix[this.pos++]!;
    else throw new FrontierReached(n);
    this.full.push(c);
    return c;
  }
}

type Probe =
  | { readonly kind: 'frontier'; readonly enabled: number; readonly world: World; readonly roots: readonly object[]; readonly source: FrontierSource }
  | { readonly kind: 'end'; readonly world: World; readonly roots: readonly object[]; readonly source: FrontierSource };

function probe(target: ExhaustiveTarget, prefix: readonly number[], reduce: boolean): Probe {
  const source = new FrontierSource(prefix, reduce);
  // Only ends are checked, unless an oracle can fail mid-run: other probes need no trace.
  const { world, roots } = target.build(source, target.midRun);
  source.world = world;
  try {
    world.run();
  } catch (e) {
    if (!(e instanceof FrontierReached)) throw e;
    return { kind: 'frontier', enabled: e.enabled, world, roots, source };
  }
  return { kind: 'end', world, roots, source };
}

/** `now` is a clock for the report only (the simulator itself never reads time). */
export function exploreExhaustive(target: ExhaustiveTarget, opts: ExhaustiveOptions = {}, now: () => number = () => 0): ExhaustiveResult {
  const maxStates = opts.maxStates ?? 200_000;
  const maxDepth = opts.maxDepth ?? 10_000;
  const reduce = opts.reduce ?? true;
  const t0 = now();
  const visited = new Set<string>();
  let schedules = 0;
  let merged = 0;
  let depth = 0;
  let bounded = false;
  let localSteps = 0;
  // The frontier, level by level: paths to states not yet expanded, with their choice count.
  let level: { path: number[]; enabled: number }[] = [];
  const result = (verdict: ExhaustiveResult['verdict'], cex?: ExhaustiveResult['counterexample']): ExhaustiveResult =>
    ({ verdict, states: visited.size, schedules, merged, depth, maxDepth, localSteps, ms: now() - t0, ...(cex ? { counterexample: cex } : {}) });

  const visit = (path: number[]): ExhaustiveResult | undefined => {
    const p = probe(target, path, reduce);
    localSteps += p.source.local;
    const violated = target.midRun ? target.check(p.world.trace).length > 0
      : p.kind === 'end' && replayTarget(target, p.source.full).verdict === 'violated';
    if (violated) {
      // Breadth-first: the first violation found has the fewest choices. Replay it (its full
      // path, local steps included) to its end for the record.
      const cex = replayTarget(target, p.source.full).counterexample;
      return result('violated', cex && { ...cex, choices: path.length });
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
  const base = { states: 0, schedules: 1, merged: 0, depth: path.length, maxDepth: path.length, localSteps: 0, ms: 0 };
  if (!violation) return { verdict: 'verified', ...base };
  return { verdict: 'violated', ...base, counterexample: { violation, path: encodePath(path), choices: path.length, records: world.trace, procNames: world.procs.map((q) => q.name) } };
}
