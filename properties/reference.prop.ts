// The reference device and driver pass every oracle in every reference configuration:
// mmio v1/v2 × EVENT_IDX on/off × SC/TSO × sync/async kicks × 16-bit / 3-bit ring indices
// (32 configurations; 3 bits is the narrowest that tells a full 4-entry ring from an empty
// one, and the indices wrap within the workload).
// Checks P-STATUS (STATUS-DRV-1/2/5/8/10, STATUS-DEV-1), P-FEAT (FEAT-DRV-1/2/3, FEAT-DEV-2;
// NOTIF-DRV-1/2/5, NOTIF-DEV-1/5/6), P-ISR (MMIO-DEV-3/8, MMIO-DRV-11/16), P-IRQ-MUST
// (NOTIF-DEV-2/3/4), P-KICK-MUST (NOTIF-DRV-5/6), P-WRAP and P-QUIESCE (NOTIF-DEV-2/4, NOTIF-DRV-5..9).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_CONFIG, type SimConfig } from '../src/sim/config.ts';
import { runOnce } from '../src/explore/run-once.ts';
import { anySchedule, sourceOf } from './arbitraries/schedule.arb.ts';

const configs: SimConfig[] = [];
for (const transport of ['mmio-v1', 'mmio-v2'] as const)
  for (const eventIdx of [true, false])
    for (const memoryModel of ['sc', 'tso'] as const)
      for (const kicks of ['sync', 'async'] as const)
        for (const indexWidth of [16, 3]) configs.push({ ...DEFAULT_CONFIG, transport, eventIdx, memoryModel, kicks, indexWidth });

describe('reference configurations pass every oracle', () => {
  it.each(configs.map((c) => [`${c.transport} eventIdx=${c.eventIdx} ${c.memoryModel} ${c.kicks} ${c.indexWidth}-bit`, c] as const))('%s', (_name, config) => {
    const stats = { interrupts: 0, runs: 0, completed: 0 };
    fc.assert(
      fc.property(anySchedule(1200), (schedule) => {
        const r = runOnce(config, sourceOf(schedule));
        stats.runs++;
        if (r.sim.driver.received.length === config.rxPackets && r.sim.driver.txCompleted === config.txPackets) stats.completed++;
        stats.interrupts += r.sim.irq.deliveries(0).reduce((a, b) => a + b, 0);
        expect(r.violations.map((v) => `${v.property}: ${v.summary}`)).toEqual([]);
        expect(r.outcome).toBe('quiescent');
      }),
      { seed: 20261123, numRuns: 40 },
    );
    // Cover goals: every run finished the whole workload, and interrupts really happened.
    expect(stats.completed).toBe(stats.runs);
    expect(stats.interrupts).toBeGreaterThan(stats.runs);
  });
});
