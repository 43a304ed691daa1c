// How a verdict reads for a person: summary, the replay command first, then the shrunk
// trace as a sequence chart with the offending step marked, then the explanation.

import type { ExploreResult } from '../explore/explore.ts';
import type { ExhaustiveResult } from '../explore/exhaustive.ts';
import { renderSequenceChart } from '../trace/sequence-chart.ts';
import { decodePath } from '../kernel/index.ts';

export function renderResult(r: ExploreResult, expect: 'pass' | 'violate'): string {
  const c = r.counterexample;
  if (!c) return `${r.variant}: pass — no violation in ${r.runs} runs (${r.scheduler}, seed ${r.seed}); expected ${expect}.`;
  const v = c.violation;
  const atStep = (c.result.records[v.at]?.step ?? c.result.steps) + 1;
  const lines = [
    `${r.variant}: ${v.requirements.join(', ') || '—'} violated (${v.property}): ${v.summary}`,
    `Replay: ${c.replay}`,
    c.fromCorpus ? `Found by replaying known counterexample ${c.foundAtRun} of this variant's regression corpus.` : `Found at run ${c.foundAtRun} (${r.scheduler}, seed ${r.seed}); shrunk in ${c.shrinkAttempts} re-runs to ${c.config.rxPackets} rx / ${c.config.txPackets} tx packets.`,
    `Counterexample: violated at step ${atStep}${atStep < c.result.steps ? ` (the run goes on to step ${c.result.steps})` : ''}; replay path of ${c.path.length} choices (the rest are 0), ${c.result.records.length} trace events.`,
    '',
    renderSequenceChart(c.result.records, c.result.sim.procNames, { mark: v.at, regVersion: c.config.transport === 'mmio-v1' ? 1 : 2, maxRows: 60 }),
    '',
    v.explanation,
  ];
  return lines.join('\n');
}

export function resultJson(r: ExploreResult): object {
  const c = r.counterexample;
  return {
    variant: r.variant,
    verdict: r.verdict,
    property: c?.violation.property ?? null,
    requirements: c?.violation.requirements ?? [],
    summary: c?.violation.summary ?? null,
    runs: r.runs,
    seed: r.seed,
    scheduler: r.scheduler,
    replay: c?.replay ?? null,
    steps: c ? (c.result.records[c.violation.at]?.step ?? c.result.steps) + 1 : null,
  };
}

/** An exhaustive verdict: "verified: N states / M schedules" with its bound, or the minimal counterexample. */
export function renderExhaustive(name: string, r: ExhaustiveResult, replayFor: (path: string) => string, regVersion: 1 | 2 = 2): string {
  const figures = `${r.states} states / ${r.schedules} complete schedules (${r.merged} interleavings merged by state hashing, ${r.localSteps} local steps taken without branching), depth ${r.depth} choices, ${Math.round(r.ms)} ms`;
  const c = r.counterexample;
  if (!c) {
    return r.verdict === 'verified'
      ? `${name}: verified — every schedule explored: ${figures}.`
      : `${name}: bounded — no violation within ${figures}; the search stopped at its state bound, so this is not a proof.`;
  }
  const v = c.violation;
  return [
    `${name}: ${v.requirements.join(', ') || '—'} violated (${v.property}): ${v.summary}`,
    `Replay: ${replayFor(c.path)}`,
    r.states > 0
      ? `Minimal counterexample (breadth-first): ${c.choices} scheduling choices (${decodePath(c.path).length} steps with the local ones), ${c.records.length} trace events; search: ${figures}.`
      : `Replayed counterexample: ${c.choices} scheduling choices, ${c.records.length} trace events.`,
    '',
    renderSequenceChart(c.records, c.procNames, { mark: v.at, regVersion, maxRows: 60 }),
    '',
    v.explanation,
  ].join('\n');
}

export function exhaustiveJson(name: string, r: ExhaustiveResult): object {
  const c = r.counterexample;
  return {
    variant: name, verdict: r.verdict === 'violated' ? 'violated' : 'pass', exhaustive: r.verdict,
    property: c?.violation.property ?? null, requirements: c?.violation.requirements ?? [], summary: c?.violation.summary ?? null,
    states: r.states, schedules: r.schedules, merged: r.merged, localSteps: r.localSteps, depth: r.depth, choices: c?.choices ?? null, path: c?.path ?? null,
  };
}
