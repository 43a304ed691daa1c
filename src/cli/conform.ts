// The main job's table: every variant explored with the same seed and budget, expected
// verdict against actual, the property that caught each mutant, runs and time.

import type { Variant } from '../variants/catalogue.ts';
import { explore, type SchedulerName } from '../explore/explore.ts';
import { elapsedMs, now } from './clock.ts';
import { type NotificationMetrics, notificationMetrics } from '../explore/notification-metrics.ts';

export interface ConformRow {
  readonly variant: string;
  readonly kind: string;
  readonly expected: string;
  readonly verdict: string;
  readonly property: string;
  readonly summary: string;
  readonly runs: number;
  readonly steps: number | null;
  readonly ms: number;
  readonly ok: boolean;
  /** Kicks and interrupts per buffer, for variants expected to pass (100 random runs). */
  readonly notifications: NotificationMetrics | null;
}

export function conformTable(
  variants: readonly Variant[],
  opts: { runs: number; seed: number; scheduler: SchedulerName },
  progress: (line: string) => void,
): { text: string; ok: boolean; rows: ConformRow[] } {
  const rows: ConformRow[] = [];
  for (const [i, v] of variants.entries()) {
    progress(`[${i + 1}/${variants.length}] ${v.name} …\n`);
    const t = now();
    const r = explore(v, { runs: opts.runs, seed: opts.seed, scheduler: opts.scheduler });
    const c = r.counterexample;
    rows.push({
      variant: v.name, kind: v.kind, expected: v.expect, verdict: r.verdict,
      property: c?.violation.property ?? '', summary: c?.violation.summary ?? '',
      // Steps up to and including the violating one (a storm runs on to the budget after it).
      runs: r.runs, steps: c ? (c.result.records[c.violation.at]?.step ?? c.result.steps) + 1 : null, ms: elapsedMs(t),
      // As expected: the verdict, and for a violation the property named as the one that catches it.
      ok: (v.expect === 'pass') === (r.verdict === 'pass') && (r.verdict === 'pass' || !v.caughtBy || c?.violation.property === v.caughtBy),
      notifications: v.expect === 'pass' && v.config.workload === 'net' ? notificationMetrics(v.config, 100, opts.seed) : null,
    });
  }
  const header = ['variant', 'kind', 'expected', 'verdict', 'property', 'runs', 'steps to violation', 'kicks/buf', 'irqs/buf', 'idle handler runs', 'handler runs per CPU', 'time', ''];
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const body = rows.map((r) => [r.variant, r.kind, r.expected, r.verdict, r.property || '—', String(r.runs), r.steps === null ? '—' : String(r.steps),
    r.notifications ? `${r.notifications.kicksPerBuffer.toFixed(2)}${r.notifications.spuriousKickShare ? ` (${pct(r.notifications.spuriousKickShare)} spur.)` : ''}` : '—',
    r.notifications ? `${r.notifications.interruptsPerBuffer.toFixed(2)}${r.notifications.spuriousInterruptShare ? ` (${pct(r.notifications.spuriousInterruptShare)} spur.)` : ''}` : '—',
    r.notifications ? pct(r.notifications.idleHandlerShare) : '—',
    r.notifications ? r.notifications.handlerRunsPerCpu.map((n) => n.toFixed(1)).join('/') : '—',
    `${(r.ms / 1000).toFixed(1)}s`, r.ok ? 'ok' : 'MISMATCH']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const ok = rows.every((r) => r.ok);
  const lines = [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(fmt), '',
    `${rows.filter((r) => r.ok).length} of ${rows.length} variants as expected (${opts.scheduler}, ${opts.runs} runs, seed ${opts.seed})${ok ? '' : ' — MISMATCHES above'}`];
  for (const r of rows) if (r.verdict === 'violated') lines.push(`  ${r.variant}: ${r.property} ${r.summary}`);
  return { text: `${lines.join('\n')}\n`, ok, rows };
}
