// All oracles, and one pass that decodes a run's records once and feeds every oracle.

import type { KernelRecord } from '../kernel/index.ts';
import { decodeRecords } from './decode.ts';
import type { Oracle, OracleContext, Violation } from './types.ts';
import { quiesceOracle } from './p-quiesce.ts';
import { isrOracle } from './p-isr.ts';
import { statusOracle } from './p-status.ts';
import { featureOracle } from './p-feat.ts';
import { suppressionModeOracle } from './p-suppression-mode.ts';
import { irqMustOracle, kickMustOracle } from './p-notify.ts';
import { wrapOracle } from './p-wrap.ts';

export type { Oracle, OracleContext, Violation, OracleProperty } from './types.ts';
export { decodeRecords, type ProtocolEvent } from './decode.ts';

export const ORACLES: readonly Oracle[] = [statusOracle, featureOracle, suppressionModeOracle, isrOracle, irqMustOracle, kickMustOracle, wrapOracle, quiesceOracle];
export { measureNotifications, type NotificationCounts } from './p-notify.ts';

/** Every violation the oracles find in `records`, ordered by where it happened. */
export function checkRecords(records: readonly KernelRecord[], ctx: OracleContext, oracles: readonly Oracle[] = ORACLES): Violation[] {
  const runs = oracles.map((o) => o.start(ctx));
  const out: Violation[] = [];
  decodeRecords(records, ctx, (ev, at) => {
    if (ev.t === 'quiescent' || ev.t === 'budget') {
      for (const r of runs) r.finish(ev, at);
      return;
    }
    if (ev.t === 'fault') {
      out.push({ property: 'P-FAULT', requirements: [], at, summary: `process ${ev.proc} failed: ${ev.message}`, explanation: 'The implementation under test threw; its run ended there.' });
      return;
    }
    for (let i = 0; i < runs.length; i++) runs[i]!.onEvent(ev, at);
  });
  const budget = records.at(-1);
  if (budget?.kind === 'budget') {
    out.push({ property: 'P-QUIESCE', requirements: ['MMIO-DEV-8'], at: records.length - 1, summary: `no quiescence within ${budget.step} steps (livelock or interrupt storm)`, explanation: 'A correct device and driver finish the workload and go quiet well within the step budget.' });
  }
  for (const r of runs) out.push(...r.violations);
  return out.sort((a, b) => a.at - b.at);
}
