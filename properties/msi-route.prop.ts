// P-ROUTE and the MSI profiles (spec-notes §5, §6.3–6.5; PCI-DEV-4/6/7, MMIO-MSI-DEV-1..3,
// MMIO-MSI-DRV-1). The references pass every oracle while both queue vectors move to
// another CPU under traffic; each proposal profile gets the verdict the model shows, found by
// search, shrunk, and replayed; BZ-FC-03 is invisible on the one line.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { VARIANTS } from '../src/variants/catalogue.ts';
import type { SimConfig } from '../src/sim/config.ts';
import { runOnce, type RunResult } from '../src/explore/run-once.ts';
import { ArrayChoiceSource, decodePath } from '../src/kernel/index.ts';
import { anySchedule, sourceOf } from './arbitraries/schedule.arb.ts';
import { expectCaughtShrunkReplayed } from './support/caught.ts';

const byName = (name: string) => VARIANTS.find((v) => v.name === name)!;
const noteCount = (r: RunResult, name: string) =>
  r.records.filter((x) => x.kind === 'effect' && x.effect.kind === 'note' && x.effect.note === name).length;
const sends = (r: RunResult) => r.records.filter((x) => x.kind === 'effect' && x.effect.kind === 'sendMsi').length;

const passing = VARIANTS.filter((v) => v.config.irqDelivery !== 'line' && v.expect === 'pass');
const configs: [string, SimConfig][] = [];
for (const v of passing) {
  configs.push([v.name, v.config]);
  configs.push([`${v.name} sc, no EVENT_IDX`, { ...v.config, memoryModel: 'sc', eventIdx: false }]);
}
configs.push(['pci-msix with the tx echo', { ...byName('pci-msix').config, txEcho: true }]);

describe('MSI references pass every oracle, vectors moving under traffic', () => {
  it.each(configs)('%s', (_name, config) => {
    const cover = { runs: 0, sends: 0, moves: 0, completed: 0 };
    fc.assert(
      fc.property(anySchedule(1200), (schedule) => {
        const r = runOnce(config, sourceOf(schedule));
        cover.runs++;
        cover.sends += sends(r);
        cover.moves += noteCount(r, 'drv.msiMoved');
        if (r.sim.driver.txCompleted === config.txPackets && r.sim.driver.received.length >= config.rxPackets) cover.completed++;
        expect(r.violations.map((v) => `${v.property}: ${v.summary}`)).toEqual([]);
        expect(r.outcome).toBe('quiescent');
      }),
      { seed: 20261123, numRuns: 25 },
    );
    // Cover goals: interrupts went as messages, both vectors moved in every run, the workload finished.
    expect(cover.sends).toBeGreaterThan(cover.runs);
    expect(cover.moves).toBe(2 * cover.runs);
    expect(cover.completed).toBe(cover.runs);
  });
});

const violating = VARIANTS.filter((v) => v.kind === 'proposal' && v.expect === 'violate');

describe('proposal profiles: the verdict the model shows, shrunk and replayable', () => {
  it.each(violating.map((v) => [v.name, v] as const))('%s violates P-ROUTE', (_name, v) => {
    expectCaughtShrunkReplayed(v.config, 'P-ROUTE', { maxStep: 1200, numRuns: 3000, shrinkBudget: 300 });
  });
});

describe('BZ-FC-03 is invisible on the one line', () => {
  it('the mutant device with the tx echo passes every oracle on mmio-v2 (the handler scans every queue, MMIO-DRV-16)', () => {
    const config: SimConfig = { ...byName('BZ-FC-03').config, irqDelivery: 'line' };
    fc.assert(
      fc.property(anySchedule(1200), (schedule) => {
        const r = runOnce(config, sourceOf(schedule));
        expect(r.violations.map((x) => `${x.property}: ${x.summary}`)).toEqual([]);
      }),
      { seed: 20261123, numRuns: 40 },
    );
  });
});

describe('too few vectors: the driver falls back to the line (PCI-DRV-1)', () => {
  it('pci-msix with 2 vectors for config + 2 queues runs on the line and passes every oracle', () => {
    const config: SimConfig = { ...byName('pci-msix').config, msi: { ...byName('pci-msix').config.msi, vectors: 2 } };
    fc.assert(
      fc.property(anySchedule(1200), (schedule) => {
        const r = runOnce(config, sourceOf(schedule));
        expect(r.violations.map((x) => `${x.property}: ${x.summary}`)).toEqual([]);
        expect(sends(r)).toBe(0);
        expect(noteCount(r, 'drv.msiFallback')).toBe(1);
      }),
      { seed: 20261123, numRuns: 10 },
    );
  });
});

describe('the pinned one-CPU tear (mmio-msi-2020-locked)', () => {
  it('violates P-ROUTE with a torn message, and the same schedule passes with latched registers', () => {
    const torn = byName('mmio-msi-2020-locked');
    const reg = torn.regressions![0]!;
    const r = runOnce({ ...torn.config, ...reg.overrides }, new ArrayChoiceSource(decodePath(reg.path)));
    expect(r.violations[0]?.summary).toMatch(/^torn MSI message \(cpu1, 0x23\)/);
    const latched = runOnce({ ...byName('mmio-msi-latched-locked').config, ...reg.overrides }, new ArrayChoiceSource(decodePath(reg.path)));
    expect(latched.violations).toEqual([]);
  });
});
