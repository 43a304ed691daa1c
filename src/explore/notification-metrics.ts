// Notification cost of a configuration: kicks (VM exits) and interrupts per buffer, and
// the spurious ones (nothing new behind them), averaged over runs of a schedule source.
// Metrics, not verdicts: both sides must cope with spurious notifications (NOTIF-DRV-3,
// NOTIF-DEV-7); suppression exists to make them rare.

import type { SimConfig } from '../sim/config.ts';
import { measureNotifications } from '../oracles/index.ts';
import { oracleContext, runOnce } from './run-once.ts';
import { sourceFor } from './explore.ts';
import { ArrayChoiceSource } from '../kernel/index.ts';

export interface NotificationMetrics {
  readonly runs: number;
  /** Buffers made available (kick direction) and used (interrupt direction), per run. */
  readonly buffersPerRun: number;
  readonly kicksPerBuffer: number;
  readonly interruptsPerBuffer: number;
  /** Shares of kicks / interrupts that carried nothing new since the last one (spurious at the sender). */
  readonly spuriousKickShare: number;
  readonly spuriousInterruptShare: number;
  /** Share of interrupt handler runs that found no used buffer (spurious at the receiver: already polled). */
  readonly idleHandlerShare: number;
  /** Interrupt handler runs per CPU, per run (index = CPU). */
  readonly handlerRunsPerCpu: readonly number[];
}

export function notificationMetrics(config: SimConfig, runs: number, seed: number): NotificationMetrics {
  const expected = runOnce(config, new ArrayChoiceSource([])).steps;
  let avail = 0, used = 0, kicks = 0, irqs = 0, spuriousKicks = 0, spuriousIrqs = 0, handlerRuns = 0, idle = 0;
  const perCpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = runOnce(config, sourceFor('random', seed, i, expected));
    const m = measureNotifications(r.records, oracleContext(config));
    avail += m.kicks.published; used += m.interrupts.published;
    kicks += m.kicks.sent; irqs += m.interrupts.sent;
    spuriousKicks += m.kicks.spurious; spuriousIrqs += m.interrupts.spurious;
    handlerRuns += m.handlerRuns; idle += m.idleHandlerRuns;
    m.handlerRunsPerCpu.forEach((n, cpu) => { perCpu[cpu] = (perCpu[cpu] ?? 0) + n; });
  }
  const ratio = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 1000) / 1000);
  return {
    runs, buffersPerRun: ratio(avail, runs),
    kicksPerBuffer: ratio(kicks, avail), interruptsPerBuffer: ratio(irqs, used),
    spuriousKickShare: ratio(spuriousKicks, kicks), spuriousInterruptShare: ratio(spuriousIrqs, irqs),
    idleHandlerShare: ratio(idle, handlerRuns),
    handlerRunsPerCpu: perCpu.map((n) => ratio(n, runs)),
  };
}
