// The three commands as a user runs them: a small report (the MSI question, few runs),
// the coverage matrix and the statechart diagrams.

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const bin = new URL('../../bin/virtio-conform.js', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync('node', [bin, ...args], { encoding: 'utf8' });

describe('virtio-conform report, coverage, models', () => {
  it('report writes Markdown and HTML with the answer, the table, the counterexamples and the coverage', () => {
    const out = resolve('tmp/report-cli');
    rmSync(out, { recursive: true, force: true });
    const r = cli('report', '--out', out, '--question', 'q3', '--runs', '80', '--metric-runs', '2', '--mutant-runs', '0', '--schedules', '1');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\[1\/15\] pci-msix: pass/); // progress
    expect(r.stdout).toMatch(/target \(MUSTs .*: \d+ of \d+ \(\d+(\.\d)?%\)/);
    expect(r.stdout).toMatch(/transitions taken by the oracles: \d+ of \d+ \(\d+(\.\d)?%\)/);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('## Is the 2020 MMIO MSI update safe, and which fix makes it safe?');
    expect(md).toContain('**No.**');
    expect(md).toContain('| `msi-litmus --profile mmio-msi-latched --movers 2 --selector-lock` | exhaustive |  | verified: ');
    expect(md).toContain('npx virtio-conform msi-litmus --profile mmio-msi-2020 --movers 1 --events 2 --replay ');
    expect(md).toContain('```mermaid\nsequenceDiagram');
    expect(md).toContain('rect rgb(255,220,220)'); // the offending step
    expect(md).toContain('```mermaid\nstateDiagram-v2');
    expect(md).toContain('## Requirement coverage');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<pre class="mermaid">sequenceDiagram');
    expect(html).not.toMatch(/<script[^>]+src=/); // self-contained
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  });

  it('coverage prints the matrix, the unchecked requirements and the target share', () => {
    const r = cli('coverage');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^STATUS-DRV-10 +status +MUST NOT +P-STATUS +killed/m);
    expect(r.stdout).toMatch(/^unchecked: /m);
    expect(r.stdout).toMatch(/^requirements checked by a property: \d+ of \d+/m);
  });

  it('models --mermaid draws every machine', () => {
    const r = cli('models', '--mermaid');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.match(/^stateDiagram-v2$/gm)).toHaveLength(5);
  });
});
