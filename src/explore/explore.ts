// Search a variant for a violation: many runs under PCT or uniform random schedules
// (seeded, deterministic), then shrink the first failure and give the command that
// replays it.

import { ArrayChoiceSource, type ChoiceSource, PctChoiceSource, RandomChoiceSource, decodePath, encodePath, runSeed, trimPath } from '../kernel/index.ts';
import type { SimConfig } from '../sim/config.ts';
import type { Variant } from '../variants/catalogue.ts';
import type { Violation } from '../oracles/index.ts';
import { runOnce, type RunResult, type SimulationBuilder } from './run-once.ts';
import { buildSimulation, type SimulationCore } from '../sim/build.ts';
import { shrinkFailure } from './shrink.ts';

export type SchedulerName = 'pct' | 'random';

export interface ExploreOptions {
  readonly runs: number;
  readonly seed: number;
  readonly scheduler: SchedulerName;
  /**
   * Largest PCT bug depth; run i uses depth 2 + (i mod (pctDepth − 1)), a portfolio of
   * depths, since the depth of an unknown bug is unknown. Default 20: measured with
   * `npm run bench`, deeper runs find BZ-KVT-01 3× sooner and BZ-LNX-01 at all.
   */
  readonly pctDepth?: number;
  readonly shrink?: boolean;
  readonly overrides?: Partial<SimConfig>;
  /** Replay the variant's known counterexamples first (default true; benchmarks turn it off). */
  readonly corpus?: boolean;
  /**
   * Device API: build each run with this device in place of the reference one (the
   * variant's regression corpus, made for the reference device, is then not replayed).
   */
  readonly build?: SimulationBuilder;
}

export interface Counterexample {
  readonly violation: Violation;
  readonly config: SimConfig;
  readonly path: string;
  readonly result: RunResult<SimulationCore>;
  /** The run (1-based) that found it, and the shrinking effort. */
  readonly foundAtRun: number;
  readonly shrinkAttempts: number;
  readonly replay: string;
  /** Found by replaying the variant's regression corpus, not by this search. */
  readonly fromCorpus?: boolean;
}

export interface ExploreResult {
  readonly variant: string;
  readonly verdict: 'pass' | 'violated';
  readonly runs: number;
  readonly seed: number;
  readonly scheduler: SchedulerName;
  readonly counterexample?: Counterexample;
}

export const DEFAULT_PCT_DEPTH = 20;

export function sourceFor(scheduler: SchedulerName, seed: number, run: number, expectedSteps: number, depth = DEFAULT_PCT_DEPTH): ChoiceSource {
  const s = runSeed(seed, run);
  if (scheduler === 'random') return new RandomChoiceSource(s);
  return new PctChoiceSource(s, { depth: 2 + (run % Math.max(1, depth - 1)), expectedSteps });
}

export function replayCommand(variant: string, base: SimConfig, config: SimConfig, path: string): string {
  const extra: string[] = [];
  if (config.rxPackets !== base.rxPackets) extra.push(`--rx ${config.rxPackets}`);
  if (config.txPackets !== base.txPackets) extra.push(`--tx ${config.txPackets}`);
  if (config.indexWidth !== base.indexWidth) extra.push(`--width ${config.indexWidth}`);
  return `npx virtio-conform run --variant ${variant} ${extra.join(' ')}${extra.length ? ' ' : ''}--replay ${path || '-'}`;
}

export function explore(variant: Variant, opts: ExploreOptions): ExploreResult {
  const config = { ...variant.config, ...opts.overrides };
  const build = opts.build ?? buildSimulation;
  if (opts.build === undefined && opts.corpus !== false && Object.keys(opts.overrides ?? {}).length === 0) {
    for (const [i, reg] of (variant.regressions ?? []).entries()) {
      const regConfig = { ...config, ...reg.overrides };
      const r = runOnce(regConfig, new ArrayChoiceSource(decodePath(reg.path)));
      const v = r.violations[0];
      if (!v) continue;
      const path = encodePath(trimPath(r.path));
      return {
        variant: variant.name, verdict: 'violated', runs: i + 1, seed: opts.seed, scheduler: opts.scheduler,
        counterexample: { violation: v, config: regConfig, path, result: r, foundAtRun: i + 1, shrinkAttempts: 0, replay: replayCommand(variant.name, variant.config, regConfig, path), fromCorpus: true },
      };
    }
  }
  const probe = runOnce(config, new ArrayChoiceSource([]), build);
  const expectedSteps = Math.max(16, probe.steps);
  // A run that made no choice is the only run there is: every schedule is the same.
  const runs = probe.path.length === 0 ? 1 : opts.runs;
  for (let i = 0; i < runs; i++) {
    const r = i === 0 && probe.path.length === 0 ? probe : runOnce(config, sourceFor(opts.scheduler, opts.seed, i, expectedSteps, opts.pctDepth), build);
    const v = r.violations[0];
    if (!v) continue;
    const shrunk = opts.shrink === false ? { config, result: r, attempts: 0 } : shrinkFailure(config, r.path, v.property, 2000, build);
    const path = encodePath(trimPath(shrunk.result.path));
    return {
      variant: variant.name, verdict: 'violated', runs: i + 1, seed: opts.seed, scheduler: opts.scheduler,
      counterexample: {
        violation: shrunk.result.violations[0]!, config: shrunk.config, path, result: shrunk.result,
        foundAtRun: i + 1, shrinkAttempts: shrunk.attempts, replay: replayCommand(variant.name, variant.config, shrunk.config, path),
      },
    };
  }
  return { variant: variant.name, verdict: 'pass', runs, seed: opts.seed, scheduler: opts.scheduler };
}
