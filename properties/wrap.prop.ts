// P-WRAP and the 16-bit index space in the full model: a long run (TSO, random schedule)
// whose rx and tx indices both wrap past 65535 under every oracle, streamed so the trace
// is never kept; the reference device facing a driver that moves avail.idx 300 ahead flags
// the queue broken and consumes nothing from it (BZ-VMV-01's mutant loops instead).
import { describe, expect, it } from 'vitest';
import { buildSimulation } from '../src/sim/build.ts';
import { DEFAULT_CONFIG } from '../src/sim/config.ts';
import { OracleStream } from '../src/oracles/index.ts';
import { oracleContext, runOnce } from '../src/explore/run-once.ts';
import { ArrayChoiceSource, RandomChoiceSource } from '../src/kernel/index.ts';
import { variantByName } from '../src/variants/catalogue.ts';
import { REFERENCE_DEVICE } from '../src/device/quirks.ts';

describe('16-bit ring indices wrap in the full model', () => {
  it('a run of 65,600 packets each way wraps used and avail indices with every oracle passing', () => {
    const packets = 65_600;
    const config = { ...DEFAULT_CONFIG, memoryModel: 'tso' as const, rxPackets: packets, txPackets: packets, announceEvery: 0, queueSize: 8, maxSteps: 50_000_000 };
    const stream = new OracleStream(oracleContext(config));
    const sim = buildSimulation(config, new RandomChoiceSource(20261123), (r) => stream.push(r));
    expect(sim.world.run()).toBe('quiescent');
    expect(stream.finish().map((v) => `${v.property}: ${v.summary}`)).toEqual([]);
    // Every packet arrived, in order, and the 16-bit indices went round once.
    expect(sim.driver.received.length).toBe(packets);
    expect(sim.driver.received.every((seq, i) => seq === i + 1)).toBe(true);
    expect(sim.driver.txCompleted).toBe(packets);
    for (const vq of sim.device.queues) expect(vq.usedIdx).toBe(packets & 0xffff);
    expect(sim.driver.rx!.availIdxShadow).toBe((packets + config.queueSize) & 0xffff);
  }, 60_000);
});

describe('P-WRAP: an avail index more than a ring ahead', () => {
  const hostile = { ...variantByName('BZ-VMV-01')!.config, device: REFERENCE_DEVICE };

  it('the reference device flags the queue broken and takes nothing from it', () => {
    const r = runOnce(hostile, new ArrayChoiceSource([]));
    expect(r.violations.filter((v) => v.property === 'P-WRAP')).toEqual([]);
    const errors = r.records.filter((x) => x.kind === 'effect' && x.effect.kind === 'note' && x.effect.note === 'dev.error');
    expect(errors.length).toBe(1);
    expect(r.sim.device.queues[1]!.broken).toBe(true);
    expect(r.sim.device.queues[1]!.lastAvailIdx).toBe(0);
  });

  it('the BZ-VMV-01 device loops over the ring and P-WRAP says so at its first pop', () => {
    const r = runOnce(variantByName('BZ-VMV-01')!.config, new ArrayChoiceSource([]));
    const first = r.violations[0]!;
    expect(first.property).toBe('P-WRAP');
    expect(first.summary).toMatch(/301 ahead of next_avail 0, more than a ring \(4\)/);
    const pops = r.records.filter((x) => x.kind === 'effect' && x.effect.kind === 'note' && x.effect.note === 'dev.popAvail').length;
    expect(pops).toBeGreaterThan(8); // round and round an 8-entry (rx 4 + tx 4) ring
  });
});
