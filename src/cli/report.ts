// `virtio-conform report`, `coverage` and `models`: the evidence for spec authors (Markdown
// + self-contained HTML), the requirement coverage matrix, and the statechart diagrams with
// their transition coverage. Registered on the main program by one hook in main.ts.

import { type Command, InvalidArgumentError } from 'commander';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { VARIANTS } from '../variants/catalogue.ts';
import { explore, sourceFor } from '../explore/explore.ts';
import { runOnce } from '../explore/run-once.ts';
import { exploreExhaustive, msiLitmusTarget } from '../explore/exhaustive.ts';
import { MSI_LITMUS_DEFAULTS } from '../scenarios/msi-litmus.ts';
import { QUESTIONS } from '../report/questions.ts';
import { gatherQuestions, type ReportOptions } from '../report/gather.ts';
import { requirementCoverage, renderCoverageText, summaryLines, percent, type Evidence } from '../report/requirement-coverage.ts';
import { measureTransitionCoverage, totalTransitionShare, type MachineCoverage } from '../report/transition-coverage.ts';
import { MACHINES, machineTransitions, renderMachineMermaid } from '../report/statecharts.ts';
import { buildReport } from '../report/report.ts';
import { toHtmlPage, toMarkdown } from '../report/document.ts';
import { elapsedMs, now } from './clock.ts';

function int(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
    return n;
  };
}

const log = (line: string): void => { process.stderr.write(line); };

/** The mutants (and violating proposals) explored, their violations as coverage evidence. */
export function mutantEvidence(runs: number, seed: number, progress: (line: string) => void): Evidence[] {
  const violating = VARIANTS.filter((v) => v.expect === 'violate');
  return violating.flatMap((v, i) => {
    const r = explore(v, { runs, seed, scheduler: 'pct' });
    progress(`[${i + 1}/${violating.length}] ${v.name}: ${r.verdict}${r.counterexample ? ` (${r.counterexample.violation.property})` : ''}\n`);
    return (r.counterexample?.result.violations ?? []).map((x) => ({ variant: v.name, property: x.property, requirements: x.requirements }));
  });
}

/**
 * Transition coverage over the suite's runs: every variant under `schedules` PCT and as
 * many uniformly random schedules of seed `seed`, and the MSI vector-update litmus of
 * properties/msi-litmus.prop.ts explored exhaustively (its masked windows are where the
 * msi-vector pending transitions are reached).
 */
export function suiteTransitionCoverage(schedules: number, seed: number, progress: (line: string) => void): MachineCoverage[] {
  return measureTransitionCoverage(() => {
    for (const [i, v] of VARIANTS.entries()) {
      const expected = Math.max(16, runOnce(v.config, sourceFor('random', seed, 0, 16)).steps);
      for (let k = 0; k < schedules; k++) {
        runOnce(v.config, sourceFor('pct', seed, k, expected));
        runOnce(v.config, sourceFor('random', seed, k, expected));
      }
      if ((i + 1) % 10 === 0 || i + 1 === VARIANTS.length) progress(`  transition coverage: ${i + 1}/${VARIANTS.length} variants\n`);
    }
    for (const profile of ['mmio-msi-2020', 'mmio-msi-latched', 'mmio-msi-masked', 'pci-msix'] as const) {
      for (const movers of [1, 2] as const) {
        for (const selectorLock of [false, true]) exploreExhaustive(msiLitmusTarget({ ...MSI_LITMUS_DEFAULTS, profile, movers, selectorLock }), { maxStates: 20_000 });
      }
    }
    progress('  transition coverage: msi-litmus explored\n');
  });
}

function transitionSummary(cov: readonly MachineCoverage[]): string {
  const t = totalTransitionShare(cov);
  const lines = cov.map((c) => `${c.name.padEnd(20)} ${String(c.covered).padStart(3)} / ${String(c.total).padEnd(3)} ${percent({ n: c.covered, of: c.total }).padStart(6)}${c.uncovered.length ? `  not taken: ${c.uncovered.map((u) => u.key).join('; ')}` : ''}`);
  return `${lines.join('\n')}\ntransitions taken by the oracles: ${t.covered} of ${t.total} (${percent({ n: t.covered, of: t.total })})\n`;
}

function mermaidBundle(): string {
  const file = createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js');
  return readFileSync(file, 'utf8');
}

export function registerReportCommands(program: Command): void {
  program.command('coverage')
    .description('requirement coverage: every requirement of spec/requirements/ against the properties that check it and the mutants they fail on')
    .option('--evidence', 'also explore every mutant and count the requirements its violation names')
    .option('--runs <n>', 'with --evidence: schedules per mutant', int('--runs', 1), 500)
    .option('--seed <n>', 'seed', int('--seed', 0), 1)
    .option('--json', 'machine-readable matrix')
    .action((o: { evidence?: boolean; runs: number; seed: number; json?: boolean }) => {
      const c = requirementCoverage(VARIANTS, o.evidence ? mutantEvidence(o.runs, o.seed, log) : []);
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ checked: c.checked, targetKilled: c.targetKilled, targetNamed: c.targetNamed, rows: c.rows.map((r) => ({ id: r.requirement.id, area: r.requirement.area, level: r.requirement.level, properties: r.requirement.properties, unlisted: r.unlisted, status: r.status, killers: r.killers, namedBy: r.namedBy, target: r.target })) }, null, 2)}\n`);
      } else {
        process.stdout.write(renderCoverageText(c));
      }
    });

  program.command('models')
    .description('the statecharts of models/: their transitions, Mermaid diagrams, and the share the oracles take over the suite\'s runs')
    .option('--mermaid', 'print each machine as a Mermaid state diagram')
    .option('--coverage', 'measure transition coverage (every variant under a fixed set of PCT and random schedules)')
    .option('--schedules <n>', 'with --coverage: PCT (and as many random) schedules per variant', int('--schedules', 1), 10)
    .option('--seed <n>', 'seed', int('--seed', 0), 1)
    .action((o: { mermaid?: boolean; coverage?: boolean; schedules: number; seed: number }) => {
      const cov = o.coverage ? suiteTransitionCoverage(o.schedules, o.seed, log) : undefined;
      for (const m of MACHINES) {
        const c = cov?.find((x) => x.name === m.name);
        if (o.mermaid) {
          process.stdout.write(`%% ${m.name} (${m.file})\n${renderMachineMermaid(m.machine, c?.uncoveredKeys)}\n`);
        } else {
          process.stdout.write(`${m.name.padEnd(20)} ${String(machineTransitions(m.machine).length).padStart(3)} transitions  ${m.file}\n`);
        }
      }
      if (cov) process.stdout.write(transitionSummary(cov));
    });

  program.command('report')
    .description('the evidence report for spec authors: Markdown and self-contained HTML, with counterexamples drawn and every row reproducible')
    .option('--out <dir>', 'where to write report.md and report.html', 'report')
    .option('--runs <n>', 'PCT schedules per variant', int('--runs', 1), 1000)
    .option('--seed <n>', 'seed', int('--seed', 0), 1)
    .option('--metric-runs <n>', 'random schedules per variant for the metrics', int('--metric-runs', 0), 100)
    .option('--max-states <n>', 'state bound of each exhaustive check', int('--max-states', 1), 200_000)
    .option('--mutant-runs <n>', 'schedules per mutant for the requirement coverage (0: catalogue only)', int('--mutant-runs', 0), 300)
    .option('--schedules <n>', 'PCT (and as many random) schedules per variant for transition coverage (0: skip)', int('--schedules', 0), 10)
    .option('--question <id...>', `only these questions (${QUESTIONS.map((q) => q.id).join(', ')})`)
    .action((o: { out: string; runs: number; seed: number; metricRuns: number; maxStates: number; mutantRuns: number; schedules: number; question?: string[] }) => {
      const t = now();
      const questions = o.question ? QUESTIONS.filter((q) => o.question!.some((id) => q.id === id || q.id.startsWith(`${id}-`))) : QUESTIONS;
      if (questions.length === 0) throw new InvalidArgumentError(`--question: none of ${o.question!.join(', ')}; known: ${QUESTIONS.map((q) => q.id).join(', ')}`);
      const options: ReportOptions = { runs: o.runs, seed: o.seed, metricRuns: o.metricRuns, maxStates: o.maxStates };
      const evidence = gatherQuestions(questions, options, log);
      log(o.mutantRuns > 0 ? 'Requirement coverage: exploring the mutants\n' : '');
      const found: Evidence[] = [
        ...evidence.flatMap((q) => q.variants.flatMap((x) => (x.result.counterexample?.result.violations ?? []).map((v) => ({ variant: x.variant.name, property: v.property, requirements: v.requirements })))),
        ...(o.mutantRuns > 0 ? mutantEvidence(o.mutantRuns, o.seed, log) : []),
      ];
      const requirements = requirementCoverage(VARIANTS, found);
      if (o.schedules > 0) log('Transition coverage\n');
      const transitions = o.schedules > 0 ? suiteTransitionCoverage(o.schedules, o.seed, log) : undefined;
      const args = process.argv.slice(process.argv.indexOf('report'));
      const blocks = buildReport({ options, questions: evidence, requirements, ...(transitions ? { transitions } : {}), command: `npx virtio-conform ${args.join(' ')}` });
      mkdirSync(o.out, { recursive: true });
      const md = join(o.out, 'report.md'), html = join(o.out, 'report.html');
      writeFileSync(md, toMarkdown(blocks));
      writeFileSync(html, toHtmlPage('virtio-conform evidence report', blocks, mermaidBundle()));
      for (const line of summaryLines(requirements)) process.stdout.write(`${line}\n`);
      if (transitions) process.stdout.write(transitionSummary(transitions));
      process.stdout.write(`wrote ${md} and ${html} in ${(elapsedMs(t) / 1000).toFixed(1)}s\n`);
    });
}
