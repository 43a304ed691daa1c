// Mermaid `sequenceDiagram` of a run, for reports: one participant per process plus `dev`
// (the device's registers and interrupt lines) and `mem` (guest memory). Same rows, labels
// and elision as the ASCII chart; the offending step sits in a red `rect`.

import type { KernelRecord } from '../kernel/records.ts';
import { type ChartOptions, describeRecords, laneOf, selectRows } from './sequence-chart.ts';

/**
 * Mermaid reads `;` as a statement end, `#` as an entity start and `:` as the label
 * separator; `<`/`>` may be taken as HTML. Replace them with Mermaid's entity codes.
 * @example mermaidText('a: b; #1') // 'a#58; b#59; #35;1'
 */
export function mermaidText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[#;:<>]/g, (c) => ENTITY[c] ?? c);
}

const ENTITY: Readonly<Record<string, string>> = { '#': '#35;', ';': '#59;', ':': '#58;', '<': '#lt;', '>': '#gt;' };

/** The one Mermaid statement that draws record `r` (participant ids: p0…pN-1, dev, mem). */
function statement(r: KernelRecord, text: string): string {
  const label = mermaidText(text);
  const lane = laneOf(r);
  const p = `p${lane}`;
  const over = (who: string): string => `Note over ${who}: ${label}`;
  switch (r.kind) {
    case 'flush': return `${p}-)mem: ${label}`;
    case 'irqEnter': return `dev-)${p}: ${label}`;
    case 'irqExit': return `${p}--)dev: ${label}`;
    case 'exit': case 'fault': return over(p);
    case 'quiescent': case 'budget': return over('p0,mem');
    case 'effect': break;
  }
  switch (r.effect.kind) {
    case 'load': return `mem-->>${p}: ${label}`;
    case 'store': case 'rmw': return `${p}->>mem: ${label}`;
    case 'mmioRead': case 'mmioWrite': return `${p}->>dev: ${label}`;
    case 'setIrq': case 'sendMsi': return over('dev');
    case 'fence': case 'locked': case 'wait': case 'note': return over(p);
  }
}

/**
 * Render the run as a Mermaid sequence diagram.
 * @example renderMermaidSequence(sim.world.trace, sim.procNames, { mark: 23, hideMemory: true })
 */
export function renderMermaidSequence(records: readonly KernelRecord[], procNames: readonly string[], opts: ChartOptions = {}): string {
  const texts = describeRecords(records, opts.regVersion ?? 2);
  const { shown, before, between } = selectRows(records, opts);
  const lanes = Math.max(procNames.length, ...records.map((r) => laneOf(r) + 1));
  const out = ['sequenceDiagram'];
  for (let i = 0; i < lanes; i++) out.push(`  participant p${i} as ${mermaidText(procNames[i] ?? `proc${i}`)}`);
  out.push('  participant dev as device', '  participant mem as memory');
  const elided = (n: number, where: string): void => {
    if (n > 0) out.push(`  Note over p0,mem: … ${n} ${where} event${n === 1 ? '' : 's'} elided`);
  };
  elided(before, 'earlier');
  shown.forEach((index, k) => {
    const r = records[index]!;
    const line = statement(r, `#${index} ${texts[index] ?? ''}`);
    if (index === opts.mark) out.push('  rect rgb(255,220,220)', `    ${line}`, '  end');
    else out.push(`  ${line}`);
    if (k === 0) elided(between, 'further');
  });
  return `${out.join('\n')}\n`;
}
