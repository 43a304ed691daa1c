// The HTML report in a real browser: a small report (one violating proposal, drawn, plus
// the statecharts) is written, opened in Debian's headless Chromium through playwright-core,
// and must render every Mermaid diagram as SVG with no console error. A screenshot is kept
// in tmp/report-browser.png. Chromium is required: .ci/run installs it; a missing browser
// fails with how to install it, never a skip.

import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { variantByName } from '../variants/catalogue.ts';
import { gatherVariant } from './gather.ts';
import { buildReport } from './report.ts';
import { requirementCoverage } from './requirement-coverage.ts';
import { measureTransitionCoverage } from './transition-coverage.ts';
import { runOnce } from '../explore/run-once.ts';
import { ArrayChoiceSource } from '../kernel/index.ts';
import { toHtmlPage, toMarkdown } from './document.ts';
import type { Question } from './questions.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUT = resolve('tmp/report-browser');

function smallReport(): { html: string; md: string; diagrams: number } {
  const v = variantByName('multi-irq-own-line')!;
  const options = { runs: 50, seed: 1, metricRuns: 5, maxStates: 10_000 };
  const question: Question = {
    id: 'q-test', title: 'Is a handler that services only its own line safe with a shared InterruptStatus?',
    ask: 'A test question.', variants: [v.name], litmus: [], properties: ['P-ROUTE', 'P-QUIESCE'],
    answer: (verdict) => (verdict(v.name) === 'violated' ? '**No.**' : 'Unexpected.'),
  };
  const evidence = { question, variants: [gatherVariant(v, options)], litmus: [] };
  const transitions = measureTransitionCoverage(() => { runOnce(variantByName('mmio-v2')!.config, new ArrayChoiceSource([])); });
  const blocks = buildReport({ options, questions: [evidence], requirements: requirementCoverage(), transitions, command: 'report-browser.test.ts' });
  const bundle = readFileSync(createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js'), 'utf8');
  return { html: toHtmlPage('virtio-conform report (test)', blocks, bundle), md: toMarkdown(blocks), diagrams: blocks.flatMap(function all(b): unknown[] { return b.kind === 'mermaid' ? [b] : b.kind === 'details' ? b.blocks.flatMap(all) : []; }).length };
}

describe('the HTML report in headless Chromium', () => {
  it('renders every Mermaid diagram as SVG with no console error', async () => {
    // Arrange
    if (!existsSync(CHROMIUM)) {
      throw new Error(`no Chromium at ${CHROMIUM}: install Debian's package (apt-get install -y chromium, as .ci/run does) or set CHROMIUM_PATH`);
    }
    const { html, md, diagrams } = smallReport();
    expect(md).toContain('```mermaid');
    expect(diagrams).toBeGreaterThan(5); // the counterexample and the five statecharts
    mkdirSync(OUT, { recursive: true });
    const file = join(OUT, 'report.html');
    writeFileSync(file, html);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(String(e)));
      // Offline: any request beyond the file itself is a failure.
      const requests: string[] = [];
      page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url()); });
      // Act
      await page.goto(pathToFileURL(file).href);
      await page.waitForFunction(() => document.body.dataset.mermaid !== undefined, undefined, { timeout: 60_000 });
      // Assert
      expect(await page.evaluate(() => document.body.dataset.mermaid)).toBe('done');
      const rendered = await page.locator('pre.mermaid svg').count();
      expect(rendered).toBe(diagrams);
      expect(await page.locator('pre.mermaid[data-processed] .error-icon').count()).toBe(0);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      await page.screenshot({ path: join(OUT, '..', 'report-browser.png'), fullPage: false });
    } finally {
      await browser.close();
    }
  }, 120_000);
});
