// The mutation score: every effect-level mutant of a variant searched with the same
// schedulers and oracles as `run` (PCT, fixed seed, a modest budget). Killed = some run
// violates a property (a fault or a blown step budget included). Survivors are either
// equivalent (by a rule, equivalence.ts) or gaps in the suite.

import { ArrayChoiceSource, type ChoiceSource, RecordingChoiceSource, type RunOutcome, decodePath } from '../kernel/index.ts';
import { buildSimulation } from '../sim/build.ts';
import type { SimConfig } from '../sim/config.ts';
import { checkRecords, type Violation } from '../oracles/index.ts';
import { oracleContext } from '../explore/run-once.ts';
import { sourceFor } from '../explore/explore.ts';
import { type Regression, type Variant, VARIANTS } from '../variants/catalogue.ts';
import { type FireCount, type Mutant, isStreamOperator, mutantName, mutateStream } from './operators.ts';
import { mutateInterrupts } from './interrupts.ts';
import { enumerateMutants, recordSightings, type Sightings } from './enumerate.ts';
import { equivalence } from './equivalence.ts';
import { litmusStage } from './litmus.ts';

export interface MutantRun {
  readonly outcome: RunOutcome;
  readonly violations: readonly Violation[];
  readonly steps: number;
  readonly path: readonly number[];
}

/** One run of `config` with mutant `m` applied. */
export function runMutant(config: SimConfig, source: ChoiceSource, m: Mutant, count: FireCount = { fired: 0 }): MutantRun {
  const recording = new RecordingChoiceSource(source);
  const wrap = isStreamOperator(m.operator) ? (_proc: number, gen: Parameters<typeof mutateStream>[0]) => mutateStream(gen, m, count) : undefined;
  const sim = buildSimulation(config, recording, undefined, wrap);
  if (!isStreamOperator(m.operator)) mutateInterrupts(sim.irq, m, count);
  const outcome = sim.world.run();
  const violations = checkRecords(sim.world.trace, oracleContext(config));
  return { outcome, violations, steps: sim.world.step, path: recording.path };
}

export interface MutantVerdict {
  readonly operator: string;
  readonly site: string;
  readonly status: 'killed' | 'equivalent' | 'survived';
  /** Killed: the property and the run that found it; equivalent: the rule; survived: why it is a gap. */
  readonly reason: string;
  readonly runs: number;
  readonly fired: number;
}

export interface MutationReport {
  readonly variant: string;
  readonly killed: number;
  readonly total: number;
  readonly equivalent: number;
  readonly runs: number;
  readonly seed: number;
  readonly verdicts: readonly MutantVerdict[];
}

export interface MutateOptions {
  /** Schedules per mutant (PCT, the same portfolio of depths as `run`). */
  readonly runs: number;
  readonly seed: number;
  /** Schedules of the enumeration run. */
  readonly enumerationRuns?: number;
  /** Replay the catalogue's regression corpus first (default true). */
  readonly corpus?: boolean;
  /** Try a stream mutant the search did not kill on the exhaustive notify litmus (default true). */
  readonly litmus?: boolean;
  /** Only these mutants (tests); default: every one enumerated. */
  readonly only?: (m: Mutant) => boolean;
}

/**
 * The regression corpus: every known counterexample of the catalogue's variants (schedule
 * and workload overrides). An operator that re-creates a known bug (weakening the device's
 * mb_before_used_event re-creates BZ-KVT-01) is then killed by that bug's schedule, as
 * `run` replays a variant's corpus before its search: narrow races are found in thousands
 * of runs, beyond a per-mutant budget.
 */
export function regressionCorpus(): readonly Regression[] {
  return VARIANTS.flatMap((v) => v.regressions ?? []);
}

/** Search one mutant: the corpus, then the PCT portfolio; stop at the first violating run. */
export function searchMutant(config: SimConfig, m: Mutant, runs: number, seed: number, corpus: readonly Regression[] = []): { run: number; violation: Violation | undefined; outcome: RunOutcome; fired: number } {
  const count = { fired: 0 };
  for (const [i, reg] of corpus.entries()) {
    const r = runMutant({ ...config, ...reg.overrides }, new ArrayChoiceSource(decodePath(reg.path)), m, count);
    if (r.violations[0] || r.outcome === 'fault') return { run: -(i + 1), violation: r.violations[0], outcome: r.outcome, fired: count.fired };
  }
  const probe = runMutant(config, new ArrayChoiceSource([]), m, count);
  if (probe.violations[0] || probe.outcome === 'fault') return { run: 1, violation: probe.violations[0], outcome: probe.outcome, fired: count.fired };
  const expectedSteps = Math.max(16, probe.steps);
  for (let i = 0; i < runs; i++) {
    const r = runMutant(config, sourceFor('pct', seed, i, expectedSteps), m, count);
    if (r.violations[0] || r.outcome === 'fault') return { run: i + 2, violation: r.violations[0], outcome: r.outcome, fired: count.fired };
  }
  return { run: runs + 1, violation: undefined, outcome: 'quiescent', fired: count.fired };
}

export function mutationScore(variant: Variant, opts: MutateOptions, progress: (line: string) => void = () => {}): MutationReport {
  const config = variant.config;
  const seen: Sightings = recordSightings(config, opts.enumerationRuns ?? 20, opts.seed);
  const mutants = enumerateMutants(seen).filter(opts.only ?? (() => true));
  const swapKind = new Map([...seen.swaps.values()].map(([a, b, k]) => [`${a}\n${b}`, k]));
  const facts = {
    memoryModel: config.memoryModel, fenceKinds: seen.fences, bufferDepth: Infinity,
    secondKind: (m: Mutant) => swapKind.get(`${m.site}\n${m.second}`),
  };
  const corpus = opts.corpus === false ? [] : regressionCorpus();
  const verdicts: MutantVerdict[] = [];
  for (const [i, m] of mutants.entries()) {
    const r = searchMutant(config, m, opts.runs, opts.seed, corpus);
    const eq0 = equivalence(m, facts);
    let lit: ReturnType<typeof litmusStage>;
    const site = m.second === undefined ? m.site : `${m.site} → ${m.second}`;
    let v: MutantVerdict;
    if (r.violation || r.outcome === 'fault') {
      const why = r.violation ? `${r.violation.property}: ${r.violation.summary}` : 'fault';
      const where = r.run < 0 ? `regression corpus entry ${-r.run}` : `run ${r.run}`;
      // A kill of a mutant a rule calls equivalent means the rule or an oracle is wrong: say so.
      const against = eq0 ? ` — CONTRADICTS the equivalence rule "${eq0}"` : '';
      v = { operator: m.operator, site, status: 'killed', reason: `${why} (${where})${against}`, runs: r.run < 0 ? -r.run : corpus.length + r.run, fired: r.fired };
    } else if ((lit = eq0 === undefined && opts.litmus !== false ? litmusStage(m, config) : undefined)?.killed) {
      v = { operator: m.operator, site, status: 'killed', reason: lit!.summary, runs: corpus.length + r.run, fired: r.fired + lit!.fired };
    } else {
      const eq = eq0;
      const n = corpus.length + r.run;
      const reason = eq ?? (r.fired === 0 ? 'never applied in the search: the workload does not reach it (a coverage gap)' : `no property violated in ${n} runs, though the mutation applied ${r.fired} times${lit ? `; ${lit.summary}` : ''} (a gap)`);
      v = { operator: m.operator, site, status: eq ? 'equivalent' : 'survived', reason, runs: n, fired: r.fired };
    }
    verdicts.push(v);
    progress(`[${i + 1}/${mutants.length}] ${mutantName(m)}: ${v.status}${v.status === 'killed' ? ` (${v.reason})` : ''}\n`);
  }
  return {
    variant: variant.name, runs: opts.runs, seed: opts.seed, total: verdicts.length,
    killed: verdicts.filter((v) => v.status === 'killed').length,
    equivalent: verdicts.filter((v) => v.status === 'equivalent').length,
    verdicts,
  };
}
