// Requirement coverage: every requirement of spec/requirements/ against the properties that
// check it (spec/catalogue.ts) and the mutants that show each property can fail (the
// variants' `caughtBy`, which properties/mutants.prop.ts holds them to). The target: every
// MUST of the status, features, notification, mmio and net-mq areas is checked by a property
// that some mutant makes fail.

import { EXCLUSIONS, REQUIREMENTS, type Area, type PropertyId, type Requirement } from '../../spec/catalogue.ts';
import { VARIANTS, type Variant } from '../variants/catalogue.ts';
import type { Block } from './document.ts';
import { QEMU_TRACE_MUTANTS } from '../check/trace-mutants.ts';

export const TARGET_AREAS: readonly Area[] = ['status', 'features', 'notification', 'mmio', 'net-mq'];

export type CoverageStatus = 'killed' | 'checked' | 'unchecked' | 'excluded';

export interface RequirementRow {
  readonly requirement: Requirement;
  /** Properties seen to fail on this requirement (a mutant's violation named it) that the catalogue does not list: a catalogue gap. */
  readonly unlisted: readonly string[];
  readonly status: CoverageStatus;
  /** Mutants (or violating proposals) caught by one of the requirement's properties. */
  readonly killers: readonly string[];
  /**
   * The stricter evidence: mutants whose caught violation names this requirement (their
   * `names`, which properties/mutants.prop.ts holds them to).
   */
  readonly namedBy: readonly string[];
  readonly target: boolean;
  readonly exclusion?: string;
}

export interface RequirementCoverage {
  readonly rows: readonly RequirementRow[];
  /** Requirements with at least one property, of those not excluded. */
  readonly checked: { readonly n: number; readonly of: number };
  /** Target MUSTs (not excluded) checked by a property some mutant makes fail. */
  readonly targetKilled: { readonly n: number; readonly of: number };
  /** Target MUSTs (not excluded) that some mutant's caught violation names. */
  readonly targetNamed: { readonly n: number; readonly of: number };
}

/** Whether the level has a MUST clause ('MUST', 'MUST NOT', 'SHOULD / MUST' …). */
export const isMust = (r: Requirement): boolean => /\bMUST\b/.test(r.level);

/** A violation some variant showed: the property and the requirement ids it named. */
export interface Evidence {
  readonly variant: string;
  readonly property: string;
  readonly requirements: readonly string[];
}

/**
 * The coverage matrix. Statically, a requirement is killed when one of its catalogue
 * properties is some violating variant's `caughtBy`; with `evidence` (violations actually
 * found), also when a violation named the requirement.
 */
export function requirementCoverage(variants: readonly Variant[] = VARIANTS, evidence: readonly Evidence[] = []): RequirementCoverage {
  const killersOf = new Map<PropertyId | string, string[]>();
  const namersOf = new Map<string, string[]>();
  for (const v of variants) {
    if (v.expect !== 'violate' || !v.caughtBy) continue;
    killersOf.set(v.caughtBy, [...(killersOf.get(v.caughtBy) ?? []), v.name]);
    for (const id of v.names ?? []) namersOf.set(id, [...(namersOf.get(id) ?? []), v.name]);
  }
  // Real QEMU traces with one fault edited in, each caught naming its requirement (src/check/check-qemu.test.ts).
  for (const t of QEMU_TRACE_MUTANTS) namersOf.set(t.requirement, [...(namersOf.get(t.requirement) ?? []), `trace:${t.file.replace(/\.qemu\.txt$/, '')}`]);
  const rows = REQUIREMENTS.map((r): RequirementRow => {
    const exclusion = EXCLUSIONS.find((e) => e.id === r.id)?.reason;
    const seen = evidence.filter((e) => e.requirements.includes(r.id));
    const killers = [...new Set([...r.properties.flatMap((p) => killersOf.get(p) ?? []), ...seen.map((e) => e.variant)])];
    const unlisted = [...new Set(seen.map((e) => e.property).filter((p) => !(r.properties as readonly string[]).includes(p)))];
    const checkedBy = r.properties.length + unlisted.length;
    const status: CoverageStatus = exclusion ? 'excluded' : checkedBy === 0 ? 'unchecked' : killers.length > 0 ? 'killed' : 'checked';
    const namedBy = exclusion ? [] : namersOf.get(r.id) ?? [];
    return { requirement: r, status, killers, namedBy, unlisted, target: TARGET_AREAS.includes(r.area) && isMust(r), ...(exclusion ? { exclusion } : {}) };
  });
  const live = rows.filter((r) => r.status !== 'excluded');
  const targets = live.filter((r) => r.target);
  return {
    rows,
    checked: { n: live.filter((r) => r.status !== 'unchecked').length, of: live.length },
    targetKilled: { n: targets.filter((r) => r.status === 'killed').length, of: targets.length },
    targetNamed: { n: targets.filter((r) => r.namedBy.length > 0).length, of: targets.length },
  };
}

export const percent = (x: { n: number; of: number }): string => `${x.of === 0 ? 100 : Math.round((1000 * x.n) / x.of) / 10}%`;

/** Catalogue properties, then (marked `+`) the ones only a found violation names. */
const propsText = (r: RequirementRow): string => [...r.requirement.properties, ...r.unlisted.map((p) => `+${p}`)].join(' ') || '—';

const SHOWN_KILLERS = 3;
const killerText = (k: readonly string[]): string => (k.length <= SHOWN_KILLERS ? k.join(', ') : `${k.slice(0, SHOWN_KILLERS).join(', ')} +${k.length - SHOWN_KILLERS}`);

/** The matrix as plain text, for `virtio-conform coverage`. */
export function renderCoverageText(c: RequirementCoverage): string {
  const lines: string[] = [];
  const header = ['requirement', 'area', 'level', 'properties', 'status', 'named by', 'fails on'];
  const body = c.rows.map((r) => [r.requirement.id, r.requirement.area, r.requirement.level, propsText(r), r.status, killerText(r.namedBy) || '—', killerText(r.killers) || '—']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]) => cells.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd();
  lines.push(fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(fmt), '');
  lines.push(...summaryLines(c));
  return `${lines.join('\n')}\n`;
}

export function summaryLines(c: RequirementCoverage): string[] {
  const lines = [
    `requirements checked by a property: ${c.checked.n} of ${c.checked.of} (${percent(c.checked)}), ${c.rows.filter((r) => r.status === 'excluded').length} excluded`,
    `target (MUSTs of ${TARGET_AREAS.join(', ')}) checked by a property some mutant makes fail: ${c.targetKilled.n} of ${c.targetKilled.of} (${percent(c.targetKilled)})`,
    `target MUSTs named by a mutant's caught violation (the stricter measure): ${c.targetNamed.n} of ${c.targetNamed.of} (${percent(c.targetNamed)})`,
  ];
  const unchecked = c.rows.filter((r) => r.status === 'unchecked');
  if (unchecked.length) lines.push(`unchecked: ${unchecked.map((r) => `${r.requirement.id} (${r.requirement.level})`).join(', ')}`);
  const gaps = c.rows.filter((r) => r.unlisted.length > 0);
  if (gaps.length) lines.push(`catalogue gaps (a found violation names the requirement, spec/requirements/ does not list the property; marked +): ${gaps.map((r) => `${r.requirement.id} ${r.unlisted.join('/')}`).join(', ')}`);
  const targetGaps = c.rows.filter((r) => r.target && r.status !== 'killed' && r.status !== 'excluded');
  if (targetGaps.length) lines.push(`target MUSTs not yet shown to fail: ${targetGaps.map((r) => r.requirement.id).join(', ')}`);
  const unnamed = c.rows.filter((r) => r.target && r.status === 'killed' && r.namedBy.length === 0);
  if (unnamed.length) lines.push(`target MUSTs whose property fails on a mutant, but no mutant's violation names them: ${unnamed.map((r) => r.requirement.id).join(', ')}`);
  return lines;
}

/** The matrix as report blocks (summary, then one row per requirement). */
export function renderCoverageMarkdownBlocks(c: RequirementCoverage): Block[] {
  const status = (r: RequirementRow): string => (r.status === 'killed' ? 'killed' : r.status === 'checked' ? 'checked, no mutant' : r.status === 'excluded' ? `excluded: ${r.exclusion ?? ''}` : '**unchecked**');
  return [
    { kind: 'p', text: '`npx virtio-conform coverage` prints this matrix. A requirement is *killed* when a property that checks it fails on some mutant or violating proposal (the variant\'s `caughtBy`, or a violation found in this report that names the requirement; `+P` marks a property only such a violation shows, not yet listed in spec/requirements/). *Named by* is the stricter evidence: mutants whose caught violation cites the requirement itself (the tests hold each mutant to the ids it names).' },
    { kind: 'list', items: summaryLines(c) },
    { kind: 'details', summary: `The matrix (${c.rows.length} requirements)`, blocks: [{
      kind: 'table', header: ['requirement', '§', 'level', 'paraphrase', 'properties', 'status', 'named by', 'fails on'],
      rows: c.rows.map((r) => [r.requirement.id, r.requirement.section, r.requirement.level, r.requirement.text, propsText(r), status(r), killerText(r.namedBy) || '—', killerText(r.killers) || '—']),
    }] },
  ];
}
