// `virtio-conform mutate`: every effect-level mutant of a variant (src/mutate), searched
// with every oracle; the mutation score and the survivors, equivalent ones with their rule.

import { type Command, InvalidArgumentError } from 'commander';
import { variantByName } from '../variants/catalogue.ts';
import { type MutationReport, mutationScore } from '../mutate/score.ts';
import { elapsedMs, now } from './clock.ts';
import { type Mutant, mutantName } from '../mutate/operators.ts';

function int(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
    return n;
  };
}

/** The `--json` shape: `{variant, killed, total, equivalent, survivors: [{operator, site, reason}]}` (equivalent survivors flagged). */
export function mutateJson(r: MutationReport) {
  return {
    variant: r.variant, killed: r.killed, total: r.total, equivalent: r.equivalent,
    survivors: r.verdicts.filter((v) => v.status !== 'killed').map((v) => ({ operator: v.operator, site: v.site, reason: v.reason, ...(v.status === 'equivalent' ? { equivalent: true } : {}) })),
  };
}

export function renderMutate(r: MutationReport, ms: number): string {
  const live = r.total - r.equivalent;
  const lines = [
    `${r.variant}: ${r.killed} of ${r.total} mutants killed, ${r.equivalent} equivalent — mutation score ${live ? ((100 * r.killed) / live).toFixed(1) : '100.0'}% of the ${live} non-equivalent (pct, ${r.runs} runs per mutant after the regression corpus, seed ${r.seed}, ${(ms / 1000).toFixed(1)}s)`,
  ];
  const gaps = r.verdicts.filter((v) => v.status === 'survived');
  const eq = r.verdicts.filter((v) => v.status === 'equivalent');
  if (gaps.length) lines.push('', `survivors (gaps, ${gaps.length}):`, ...gaps.map((v) => `  ${v.operator.padEnd(17)}${v.site}\n    ${v.reason}`));
  if (eq.length) lines.push('', `equivalent (${eq.length}):`, ...eq.map((v) => `  ${v.operator.padEnd(17)}${v.site}\n    ${v.reason}`));
  return `${lines.join('\n')}\n`;
}

export class MutateUsageError extends Error {}

export function registerMutateCommand(program: Command): void {
  program.command('mutate')
    .description('effect-level mutation testing: every mutant of a variant (fences dropped or weakened, interrupts dropped or misrouted, stores swapped, re-checks skipped) against the suite; the mutation score and the survivors')
    .option('--variant <name>', 'variant to mutate (a reference variant: it must pass before mutation)', 'mmio-v2')
    .option('--runs <n>', 'PCT schedules per mutant, after the regression corpus', int('--runs', 1), 300)
    .option('--seed <n>', 'seed', int('--seed', 0), 1)
    .option('--only <text>', 'only the mutants whose "operator site" contains this text')
    .option('--json', 'machine-readable: {variant, killed, total, equivalent, survivors: [{operator, site, reason}]}')
    .action((o: { variant: string; runs: number; seed: number; only?: string; json?: boolean }) => {
      const v = variantByName(o.variant);
      if (!v) throw new MutateUsageError(`unknown variant ${JSON.stringify(o.variant)}; \`virtio-conform variants\` lists them`);
      const t = now();
      const r = mutationScore(v, { runs: o.runs, seed: o.seed, ...(o.only !== undefined ? { only: (m: Mutant) => mutantName(m).includes(o.only!) } : {}) }, (line) => process.stderr.write(line));
      process.stdout.write(o.json ? `${JSON.stringify(mutateJson(r), null, 2)}\n` : renderMutate(r, elapsedMs(t)));
      process.exitCode = 0; // a measurement, not a verdict: survivors are listed, not failed
    });
}
