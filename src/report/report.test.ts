// The report's parts without a browser: requirement coverage figures, the statecharts'
// transition enumeration and diagrams, transition coverage, and the two renderings of a document.

import { describe, expect, it } from 'vitest';
import { REQUIREMENTS } from '../../spec/catalogue.ts';
import { variantByName } from '../variants/catalogue.ts';
import { runOnce } from '../explore/run-once.ts';
import { ArrayChoiceSource } from '../kernel/index.ts';
import { setTransitionRecorder } from '../../models/index.ts';
import { requirementCoverage, renderCoverageText } from './requirement-coverage.ts';
import { MACHINES, machineTransitions, renderMachineMermaid } from './statecharts.ts';
import { measureTransitionCoverage } from './transition-coverage.ts';
import { toHtmlBody, toMarkdown, type Block } from './document.ts';
import { QUESTIONS } from './questions.ts';

describe('requirement coverage', () => {
  it('has a row per requirement and counts killed target MUSTs', () => {
    const c = requirementCoverage();
    expect(c.rows).toHaveLength(REQUIREMENTS.length);
    expect(c.targetKilled.n).toBeGreaterThan(0);
    expect(c.targetKilled.n).toBeLessThanOrEqual(c.targetKilled.of);
    // STATUS-DRV-10 (no kick before DRIVER_OK) is P-STATUS, which BZ-LNX-02 makes fail.
    const kick = c.rows.find((r) => r.requirement.id === 'STATUS-DRV-10')!;
    expect(kick.status).toBe('killed');
    expect(kick.killers).toContain('BZ-LNX-02');
    expect(renderCoverageText(c)).toMatch(/target \(MUSTs of [^)]*\) [^:]*: \d+ of \d+ \(\d+(\.\d)?%\)/);
  });

  it('marks a property only a found violation names as a catalogue gap', () => {
    const c = requirementCoverage(undefined, [{ variant: 'x', property: 'P-WRAP', requirements: ['STATUS-DRV-10'] }]);
    const row = c.rows.find((r) => r.requirement.id === 'STATUS-DRV-10')!;
    expect(row.unlisted).toEqual(['P-WRAP']);
    expect(row.killers).toContain('x');
  });
});

describe('statecharts', () => {
  it('enumerates every machine\'s transitions with unique keys and draws each', () => {
    for (const m of MACHINES) {
      const ts = machineTransitions(m.machine);
      expect(ts.length, m.name).toBeGreaterThan(0);
      expect(new Set(ts.map((t) => t.key)).size, m.name).toBe(ts.length);
      const diagram = renderMachineMermaid(m.machine);
      expect(diagram.startsWith('stateDiagram-v2\n')).toBe(true);
      expect(diagram.split('\n').filter((l) => l.includes(' --> ') && !l.includes('[*]') && !l.includes(': always')).length, m.name).toBe(ts.length);
    }
  });

  it('measures transition coverage from the oracles and turns the recorder off after', () => {
    const cov = measureTransitionCoverage(() => { runOnce(variantByName('mmio-v2')!.config, new ArrayChoiceSource([])); });
    const status = cov.find((c) => c.name === 'driverStatus')!;
    expect(status.covered).toBeGreaterThan(5);
    expect(cov.find((c) => c.name === 'msiVector')!.covered).toBe(0); // no MSI on the line
    // Off again: a recorder set now would be the only one.
    let calls = 0;
    setTransitionRecorder(() => { calls++; });
    setTransitionRecorder(undefined);
    runOnce(variantByName('mmio-v2')!.config, new ArrayChoiceSource([]));
    expect(calls).toBe(0);
  });
});

describe('document', () => {
  const blocks: Block[] = [
    { kind: 'h', level: 2, text: 'A `code` and **bold** <title>' },
    { kind: 'table', header: ['a', 'b|c'], rows: [['1', '`x|y`']] },
    { kind: 'mermaid', source: 'sequenceDiagram\n  a->>b: x<y' },
  ];
  it('renders Markdown with mermaid fences and escaped pipes', () => {
    const md = toMarkdown(blocks);
    expect(md).toContain('```mermaid\nsequenceDiagram');
    expect(md).toContain('| a | b\\|c |');
  });
  it('renders HTML with escaping and a pre.mermaid per diagram', () => {
    const html = toHtmlBody(blocks);
    expect(html).toContain('<h2>A <code>code</code> and <strong>bold</strong> &lt;title&gt;</h2>');
    expect(html).toContain('<pre class="mermaid">sequenceDiagram\n  a-&gt;&gt;b: x&lt;y</pre>');
  });
});

describe('questions', () => {
  it('name only variants of the catalogue', () => {
    for (const q of QUESTIONS) for (const v of q.variants) expect(variantByName(v), `${q.id}: ${v}`).toBeDefined();
  });
});
