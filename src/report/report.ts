// The evidence report as a document: per question the answer, the variants compared, a
// table of variants × properties (pass / violated / verified exhaustively), each minimal
// counterexample drawn (Mermaid, ASCII in a fold) with the offending step marked, the
// metrics, and the command that reproduces each row; then requirement and transition coverage.

import type { KernelRecord } from '../kernel/records.ts';
import type { Violation } from '../oracles/index.ts';
import { renderMermaidSequence } from '../trace/mermaid.ts';
import { renderSequenceChart } from '../trace/sequence-chart.ts';
import type { Block } from './document.ts';
import { metricsOf, verdictOf, type LitmusEvidence, type QuestionEvidence, type ReportOptions, type VariantEvidence } from './gather.ts';
import { percent, renderCoverageMarkdownBlocks, type RequirementCoverage } from './requirement-coverage.ts';
import { totalTransitionShare, type MachineCoverage } from './transition-coverage.ts';
import { MACHINES, renderMachineMermaid } from './statecharts.ts';

export interface ReportInput {
  readonly options: ReportOptions;
  readonly questions: readonly QuestionEvidence[];
  readonly requirements: RequirementCoverage;
  /** Absent when the report was asked not to measure it. */
  readonly transitions?: readonly MachineCoverage[];
  /** How the report was made, e.g. `npx virtio-conform report --out report`. */
  readonly command: string;
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;

/** The crux of a Let/Then/However explanation: its "However …" sentence, else its first sentence. */
function keySentence(text: string): string {
  const flat = text.trim().replace(/\s+/g, ' ');
  const sentences = flat.match(/[^.!?]+(?:[.!?](?=\s|$)|$)/g) ?? [flat];
  return (sentences.find((x) => /^\s*However\b/.test(x)) ?? sentences[0] ?? flat).trim();
}

function violatedProps(records: readonly Violation[]): Set<string> {
  return new Set(records.map((v) => v.property));
}

function variantRow(e: VariantEvidence, props: readonly string[]): string[] {
  const c = e.result.counterexample;
  const bad = c ? violatedProps(c.result.violations) : new Set<string>();
  // The property the search stopped on in bold; others the same shrunk run also broke, plain.
  const cells = props.map((p) => (p === c?.violation.property ? '**violated**' : bad.has(p) ? 'violated too' : c ? '—' : 'pass'));
  const runs = c ? (c.fromCorpus ? 'regression corpus' : `found at run ${c.foundAtRun}`) : `${e.result.runs} runs`;
  return [`\`${e.variant.name}\``, e.variant.kind, e.variant.expect === 'pass' ? 'pass' : 'violate', ...cells, runs, `\`${e.command}\``];
}

function litmusRow(e: LitmusEvidence, props: readonly string[]): string[] {
  const r = e.result;
  const verdict = r.verdict === 'verified' ? `verified: ${r.states} states / ${r.schedules} schedules, depth ≤ ${r.depth}`
    : r.verdict === 'bounded' ? `no violation up to ${r.states} states (bounded, not a proof)` : '**violated**';
  const cells = props.map((p) => (p === e.spec.property ? verdict : 'n/a'));
  const how = r.counterexample ? `minimal: ${r.counterexample.choices} choices` : r.verdict === 'verified' ? 'every schedule' : `stopped at ${r.states} states`;
  return [`\`${e.spec.name}\``, 'exhaustive', '', ...cells, how, `\`${e.command}\``];
}

/** The answer's lead and the two sentences after it, for the summary at the top. */
function headline(answer: string): string {
  const sentences = answer.replace(/\*\*/g, '').split(/(?<=[.)])\s+(?=[A-Z])/);
  return sentences.slice(0, 3).join(' ');
}

const AFTER_MARK = 3;

function counterexampleBlocks(title: string, v: Violation, records: readonly KernelRecord[], procNames: readonly string[], replay: string, regVersion: 1 | 2): Block[] {
  // The rows that lead up to the offending step (and a few after it), not the run's tail.
  const shown = records.slice(0, Math.min(records.length, v.at + 1 + AFTER_MARK));
  const chart = { mark: v.at, regVersion, maxRows: 50 };
  return [
    { kind: 'h', level: 4, text: title },
    { kind: 'p', text: `**${v.property}** (${v.requirements.join(', ') || '—'}): ${v.summary}. ${keySentence(v.explanation)}` },
    { kind: 'p', text: `Reproduce: \`${replay}\`` },
    { kind: 'mermaid', source: renderMermaidSequence(shown, procNames, { ...chart, maxRows: 36 }) },
    { kind: 'details', summary: 'ASCII chart (for mailing lists) and the full explanation', blocks: [
      { kind: 'pre', text: renderSequenceChart(shown, procNames, chart) },
      { kind: 'p', text: v.explanation.replace(/\n+/g, ' ') },
    ] },
  ];
}

function metricsBlocks(e: QuestionEvidence, opts: ReportOptions): Block[] {
  const rows = e.variants.filter((x) => x.metrics).map((x) => {
    const m = x.metrics!;
    return [`\`${x.variant.name}\``, m.kicksPerBuffer.toFixed(2), pct(m.spuriousKickShare), m.interruptsPerBuffer.toFixed(2), pct(m.spuriousInterruptShare), pct(m.idleHandlerShare), m.handlerRunsPerCpu.map((n) => n.toFixed(1)).join(' / ')];
  });
  if (rows.length === 0) return [];
  return [
    { kind: 'p', text: `**Metrics** (${opts.metricRuns} uniformly random schedules per variant, seed ${opts.seed}; spurious = carried nothing new, idle = a handler run that found no used buffer):` },
    { kind: 'table', header: ['variant', 'kicks/buffer', 'spurious kicks', 'interrupts/buffer', 'spurious interrupts', 'idle handler runs', 'handler runs per run, CPU0 / CPU1 …'], rows },
  ];
}

function questionBlocks(e: QuestionEvidence, opts: ReportOptions): Block[] {
  const q = e.question;
  const props = q.properties;
  const blocks: Block[] = [
    { kind: 'h', level: 2, text: q.title, id: q.id },
    { kind: 'p', text: q.ask },
    { kind: 'p', text: q.answer((name) => verdictOf(e, name), (name) => metricsOf(e, name)) },
    { kind: 'p', text: '**Variants compared:**' },
    { kind: 'list', items: e.variants.map((x) => `\`${x.variant.name}\` (${x.variant.kind}): ${x.variant.description}`) },
    { kind: 'table', header: ['variant / check', 'kind', 'expected', ...props, 'search', 'reproduce'], rows: [...e.variants.map((x) => variantRow(x, props)), ...e.litmus.map((x) => litmusRow(x, props))] },
    { kind: 'p', text: `Runs: PCT, ${opts.runs} schedules per variant, seed ${opts.seed}; a counterexample is shrunk and its row reproduces it. "violated too": the same shrunk run also breaks it; "—": not broken by that run. Exhaustive checks: breadth-first with state hashing, so a counterexample is minimal in scheduling choices.` },
    ...metricsBlocks(e, opts),
  ];
  const broken = [...e.variants.filter((x) => x.result.counterexample), ...e.litmus.filter((x) => x.result.counterexample)];
  if (broken.length) blocks.push({ kind: 'h', level: 3, text: 'Counterexamples' });
  for (const x of broken) {
    if ('variant' in x) {
      const c = x.result.counterexample!;
      blocks.push(...counterexampleBlocks(`${x.variant.name}: ${c.violation.property}`, c.violation, c.result.records, c.result.sim.procNames, x.command, c.config.transport === 'mmio-v1' ? 1 : 2));
    } else {
      const c = x.result.counterexample!;
      blocks.push(...counterexampleBlocks(`${x.spec.name}: ${c.violation.property} (minimal, ${c.choices} choices)`, c.violation, c.records, c.procNames, x.command, 2));
    }
  }
  return blocks;
}

function transitionBlocks(cov: readonly MachineCoverage[] | undefined): Block[] {
  const blocks: Block[] = [{ kind: 'h', level: 2, text: 'Statecharts and transition coverage', id: 'statecharts' }];
  if (cov) {
    const t = totalTransitionShare(cov);
    blocks.push(
      { kind: 'p', text: `Transitions of the oracle statecharts (enumerated with \`xstate/graph\`) taken by the oracles over the property suite's runs (every variant, a fixed set of PCT and uniformly random schedules): **${t.covered} of ${t.total} (${percent({ n: t.covered, of: t.total })})**. Untaken transitions are marked ✗ in the diagrams.` },
      { kind: 'table', header: ['machine', 'file', 'transitions taken', 'not taken'], rows: cov.map((c) => [c.name, `\`${c.file}\``, `${c.covered} / ${c.total} (${percent({ n: c.covered, of: c.total })})`, c.uncovered.map((u) => `\`${u.key}\``).join('; ') || '—']) },
    );
  }
  for (const m of MACHINES) {
    blocks.push({ kind: 'h', level: 3, text: `${m.name} (\`${m.file}\`)` }, { kind: 'mermaid', source: renderMachineMermaid(m.machine, cov?.find((c) => c.name === m.name)?.uncoveredKeys) });
  }
  return blocks;
}

export function buildReport(input: ReportInput): Block[] {
  const { options: opts } = input;
  const t = input.transitions ? totalTransitionShare(input.transitions) : undefined;
  return [
    { kind: 'h', level: 1, text: 'virtio-conform: evidence for spec authors' },
    { kind: 'p', text: `Made by \`${input.command}\` (PCT, ${opts.runs} schedules per variant, seed ${opts.seed}; exhaustive checks up to ${opts.maxStates} states). Every row names the command that reproduces it; the same seed gives the same report.` },
    { kind: 'list', items: [
      ...input.questions.map((q) => `**${q.question.title}** ${headline(q.question.answer((name) => verdictOf(q, name), (name) => metricsOf(q, name)))}`),
      `Requirement coverage: ${percent(input.requirements.checked)} of requirements checked; ${percent(input.requirements.targetKilled)} of the target MUSTs checked by a property shown to fail on a mutant; ${percent(input.requirements.targetNamed)} named by a mutant's caught violation.`,
      ...(t ? [`Transition coverage of the statecharts: ${percent({ n: t.covered, of: t.total })}.`] : []),
    ] },
    ...input.questions.flatMap((q) => questionBlocks(q, opts)),
    { kind: 'h', level: 2, text: 'Requirement coverage', id: 'requirements' },
    ...renderCoverageMarkdownBlocks(input.requirements),
    ...transitionBlocks(input.transitions),
  ];
}
