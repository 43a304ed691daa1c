// The runs behind the report: each question's variants explored (PCT, fixed seed, shrunk
// counterexamples), their notification metrics, and its litmus checks explored exhaustively.
// Deterministic for a given seed and budget; progress goes to the callback (stderr).

import { variantByName, type Variant } from '../variants/catalogue.ts';
import { explore, type ExploreResult } from '../explore/explore.ts';
import { exploreExhaustive, type ExhaustiveResult } from '../explore/exhaustive.ts';
import { notificationMetrics, type NotificationMetrics } from '../explore/notification-metrics.ts';
import { elapsedMs, now } from '../cli/clock.ts';
import type { LitmusSpec, Question } from './questions.ts';

export interface ReportOptions {
  /** Schedules per variant (PCT). */
  readonly runs: number;
  readonly seed: number;
  /** Runs per variant for the metrics (uniform random schedules). */
  readonly metricRuns: number;
  /** State bound of each exhaustive check. */
  readonly maxStates: number;
}

export interface VariantEvidence {
  readonly variant: Variant;
  readonly result: ExploreResult;
  readonly metrics: NotificationMetrics | null;
  readonly ms: number;
  /** The command that reproduces this row. */
  readonly command: string;
}

export interface LitmusEvidence {
  readonly spec: LitmusSpec;
  readonly result: ExhaustiveResult;
  readonly command: string;
}

export interface QuestionEvidence {
  readonly question: Question;
  readonly variants: readonly VariantEvidence[];
  readonly litmus: readonly LitmusEvidence[];
}

export function gatherVariant(v: Variant, opts: ReportOptions): VariantEvidence {
  const t = now();
  const result = explore(v, { runs: opts.runs, seed: opts.seed, scheduler: 'pct' });
  const metrics = v.config.workload === 'net' && opts.metricRuns > 0 ? notificationMetrics(v.config, opts.metricRuns, opts.seed) : null;
  const c = result.counterexample;
  const command = c ? c.replay : `npx virtio-conform run --variant ${v.name} --runs ${opts.runs} --seed ${opts.seed}`;
  return { variant: v, result, metrics, ms: elapsedMs(t), command };
}

export function gatherLitmus(spec: LitmusSpec, opts: ReportOptions): LitmusEvidence {
  const result = exploreExhaustive(spec.target(), { maxStates: opts.maxStates }, now);
  const c = result.counterexample;
  const command = `${spec.command}${opts.maxStates !== 200_000 ? ` --max-states ${opts.maxStates}` : ''}${c ? ` --replay ${c.path || '-'}` : ''}`;
  return { spec, result, command };
}

export function gatherQuestions(questions: readonly Question[], opts: ReportOptions, progress: (line: string) => void): QuestionEvidence[] {
  const jobs = questions.reduce((n, q) => n + q.variants.length + q.litmus.length, 0);
  let done = 0;
  const tick = (what: string, ms: number): void => { done++; progress(`[${done}/${jobs}] ${what} (${(ms / 1000).toFixed(1)}s)\n`); };
  return questions.map((question) => {
    progress(`${question.title}\n`);
    const variants = question.variants.map((name) => {
      const v = variantByName(name);
      if (!v) throw new Error(`[report internal bug] question ${question.id} names unknown variant ${name}`);
      const e = gatherVariant(v, opts);
      tick(`${name}: ${e.result.verdict}`, e.ms);
      return e;
    });
    const litmus = question.litmus.map((spec) => {
      const t = now();
      const e = gatherLitmus(spec, opts);
      tick(`${spec.name}: ${e.result.verdict}`, elapsedMs(t));
      return e;
    });
    return { question, variants, litmus };
  });
}

/** The metrics of a variant of this question, by name. */
export function metricsOf(e: QuestionEvidence, name: string): NotificationMetrics | undefined {
  return e.variants.find((x) => x.variant.name === name)?.metrics ?? undefined;
}

/** The verdict of a variant or litmus of this question, by name (for the answer). */
export function verdictOf(e: QuestionEvidence, name: string): 'pass' | 'violated' | 'verified' | 'bounded' | undefined {
  const v = e.variants.find((x) => x.variant.name === name);
  if (v) return v.result.verdict;
  return e.litmus.find((x) => x.spec.name === name)?.result.verdict;
}
