// `check --format jsonl`: a simulator trace checks clean, a mutant's trace is caught with the
// line of the offending event, and a long trace is streamed (read lazily, bounded heap).

import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RandomChoiceSource } from '../kernel/index.ts';
import { buildSimulation } from '../sim/build.ts';
import { DEFAULT_CONFIG } from '../sim/config.ts';
import { oracleContext } from '../explore/run-once.ts';
import { explore } from '../explore/explore.ts';
import { variantByName } from '../variants/catalogue.ts';
import { formatJsonlLine, toTraceEvents, writeJsonl } from '../trace/jsonl.ts';
import { checkJsonl, traceMeta } from './check-jsonl.ts';

function referenceBody(): string {
  const sim = buildSimulation(DEFAULT_CONFIG, new RandomChoiceSource(1));
  sim.world.run();
  return writeJsonl(toTraceEvents(sim.world.trace, sim.procNames));
}
const META = `${formatJsonlLine(traceMeta(oracleContext(DEFAULT_CONFIG)))}\n`;

describe('checkJsonl', () => {
  it('a reference run is conformant and every oracle ran', async () => {
    // Act
    const r = await checkJsonl(Readable.from([META + referenceBody()]));
    // Assert
    expect(r.violations).toEqual([]);
    expect(r.verdict).toBe('conformant');
    expect(r.ran).toEqual(expect.arrayContaining(['P-STATUS', 'P-FEAT', 'P-ISR', 'P-QUIESCE', 'P-IRQ-MUST', 'P-KICK-MUST', 'P-WRAP']));
    expect(r.notes).toEqual([]);
  });

  it('a mutant counterexample is caught, named by the line of its trace', async () => {
    // Arrange
    const v = variantByName('BZ-KVT-03b')!;
    const found = explore(v, { runs: 2000, seed: 3, scheduler: 'pct' }).counterexample!;
    const events = toTraceEvents(found.result.records, found.result.sim.procNames);
    const text = `${formatJsonlLine(traceMeta(oracleContext(found.config)))}\n${writeJsonl(events)}`;
    // Act
    const r = await checkJsonl(Readable.from([text]));
    // Assert: the same property as the explorer, at the line of the same record (line 1 is meta)
    expect(r.verdict).toBe('violations');
    const same = r.violations.find((x) => x.property === found.violation.property && x.summary === found.violation.summary)!;
    expect(same).toBeDefined();
    expect(same.line).toBe(found.violation.at + 2);
  });

  it('streams a long trace: lines are pulled lazily and the heap stays bounded', async () => {
    // Arrange: a generator of 200 runs back to back (each starts with a reset), ~150k lines, ~18 MB
    const body = referenceBody();
    let pulled = 0;
    let peak = 0;
    const base = process.memoryUsage().heapUsed;
    function* chunks(badAt: number | undefined): Generator<string> {
      yield META;
      for (let i = 0; i < 200; i++) {
        pulled++;
        if (i === badAt) yield '{"v":1,"seq":0,"step":0,"actor":"kernel","type":"nope"}\n';
        yield body;
        if (i % 20 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - base);
      }
    }
    // Act
    const r = await checkJsonl(Readable.from(chunks(undefined)));
    // Assert
    expect(r.lines).toBeGreaterThan(100_000);
    expect(r.violations).toEqual([]);
    expect(peak).toBeLessThan(64 * 1024 * 1024);
    // Act: a bad line after 10 runs stops the read there: the other 190 are never produced
    pulled = 0;
    await expect(checkJsonl(Readable.from(chunks(10)))).rejects.toThrow(/^line \d+: field "type" must be a known event type/);
    expect(pulled).toBeLessThanOrEqual(12);
  });
});
