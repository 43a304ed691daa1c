// One run of a configuration under a choice source: build, run, record the path, judge.

import { type ChoiceSource, type KernelRecord, type RunOutcome, RecordingChoiceSource } from '../kernel/index.ts';
import { buildSimulation, type Simulation, type SimulationCore } from '../sim/build.ts';
import type { SimConfig } from '../sim/config.ts';
import { checkRecords, type OracleContext, type Violation } from '../oracles/index.ts';

export interface RunResult<S extends SimulationCore = Simulation> {
  readonly outcome: RunOutcome;
  readonly records: readonly KernelRecord[];
  readonly path: readonly number[];
  readonly violations: readonly Violation[];
  readonly steps: number;
  readonly sim: S;
}

/** Builds the world of one run (the reference device by default; the device API plugs in others). */
export type SimulationBuilder<S extends SimulationCore = SimulationCore> = (config: SimConfig, source: ChoiceSource) => S;

export function oracleContext(config: SimConfig): OracleContext {
  return {
    mmioVersion: config.transport === 'mmio-v1' ? 1 : 2,
    line: 0,
    interruptLines: config.lines,
    buffered: config.memoryModel !== 'sc',
    // The status-gating probe, the hostile avail.idx driver, the VQ_PAIRS_SET probe and declared harnesses break driver rules on purpose.
    judgeDriver: config.workload === 'net' && config.driver.availIdxJump === 0 && !config.driver.requestPairsAboveMax && !config.driver.harness,
    ...(config.mmioSlot !== 'net' ? { mmioSlot: config.mmioSlot } : {}),
  };
}

export function runOnce(config: SimConfig, source: ChoiceSource): RunResult;
export function runOnce<S extends SimulationCore>(config: SimConfig, source: ChoiceSource, build: SimulationBuilder<S>): RunResult<S>;
export function runOnce(config: SimConfig, source: ChoiceSource, build: SimulationBuilder = buildSimulation): RunResult<SimulationCore> {
  const recording = new RecordingChoiceSource(source);
  const sim = build(config, recording);
  const outcome = sim.world.run();
  const records = sim.world.trace;
  const violations = checkRecords(records, oracleContext(config));
  return { outcome, records, path: recording.path, violations, steps: sim.world.step, sim };
}
