// virtio-net multiqueue and the multi-line proposals under search.
//  - The MQ reference variants and the proposals the model judges safe pass every oracle —
//    P-MQ (NET-MQ-DEV-1/2/3, NET-MQ-DRV-1..4, NET-CVQ-1), P-ROUTE (MIRQ-DEV-1/2, MIRQ-DRV-1),
//    P-ISR per line (MMIO-DEV-3/8), P-QUIESCE and the rest — and really exercise what they
//    claim: the pair count changes mid-traffic, every line carries interrupts.
//  - The proposals the model judges unsafe are found by search, with the property named in
//    the catalogue, shrunk to a replayable path.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { VARIANTS } from '../src/variants/catalogue.ts';
import { runOnce } from '../src/explore/run-once.ts';
import { anySchedule, sourceOf } from './arbitraries/schedule.arb.ts';
import { expectCaughtShrunkReplayed } from './support/caught.ts';

const multi = VARIANTS.filter((v) => v.config.maxQueuePairs > 0 && v.kind !== 'mutant');
const passing = multi.filter((v) => v.expect === 'pass');
const failing = multi.filter((v) => v.expect === 'violate');

describe('multiqueue and multi-line variants the model judges safe pass every oracle', () => {
  it.each(passing.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    const c = v.config;
    const cover = { runs: 0, completed: 0, resized: 0, perLine: new Array<number>(c.lines.count).fill(0) };
    fc.assert(
      fc.property(anySchedule(1500), (schedule) => {
        const r = runOnce(c, sourceOf(schedule));
        expect(r.violations.map((x) => `${x.property}: ${x.summary}`)).toEqual([]);
        expect(r.outcome).toBe('quiescent');
        const d = r.sim.driver;
        cover.runs++;
        if (d.received.length === c.rxPackets && d.txCompleted === c.txPackets) cover.completed++;
        if (d.currQueuePairs === (c.resizeQueuePairsTo || Math.min(c.maxQueuePairs, c.cpus))) cover.resized++;
        for (let line = 0; line < c.lines.count; line++) cover.perLine[line]! += r.sim.irq.deliveries(line).reduce((a, b) => a + b, 0);
      }),
      { seed: 20261123, numRuns: 30 },
    );
    // Cover goals: the workload finished, the pair count ended where the driver set it, and
    // every line the driver uses carried interrupts.
    expect(cover.completed).toBe(cover.runs);
    expect(cover.resized).toBe(cover.runs);
    const usesLines = c.lines.count > 1 && c.driverLines.use !== 'line0';
    for (let line = 0; line < (usesLines ? c.lines.count : 1); line++) expect(cover.perLine[line], `line ${line}`).toBeGreaterThan(0);
  });
});

describe('multi-line proposals the model judges unsafe are caught, shrunk and replayed', () => {
  it.each(failing.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    expectCaughtShrunkReplayed(v.config, v.caughtBy!, { maxStep: 1500, numRuns: 500, shrinkBudget: 200 });
  });
});
