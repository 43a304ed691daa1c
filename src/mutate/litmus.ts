// The second stage for a stream mutant the search did not kill: the notification litmus
// (scenarios/notify-litmus.ts), which runs the same device and driver ring code on one queue,
// explored exhaustively. A narrow race that PCT finds in thousands of runs (BZ-KVT-01) is a
// few dozen choices there. The litmus's queue is vq0: a mutant of vqN's code is applied to
// vq0's (the same code at another queue index). A violation is a real run, so it kills;
// "verified" is not claimed as equivalence (the litmus is one small configuration).

import { NOTIFY_LITMUS_DEFAULTS, type NotifyLitmusConfig } from '../scenarios/notify-litmus.ts';
import type { MemoryModelName } from '../kernel/index.ts';
import { exploreExhaustive, notifyLitmusTarget } from '../explore/exhaustive.ts';
import { type Mutant, isStreamOperator, mutateStream } from './operators.ts';

/** The litmus configurations tried, smallest first (2 buffers, then 3), with the variant's suppression mode and memory model. */
function litmusConfigs(variant: { eventIdx: boolean; memoryModel: MemoryModelName }): NotifyLitmusConfig[] {
  return [2, 3].map((buffers) => ({ ...NOTIFY_LITMUS_DEFAULTS, buffers, eventIdx: variant.eventIdx, memoryModel: variant.memoryModel }));
}

const toVq0 = (site: string | undefined) => site?.replace(/^(dev|drv)\.vq\d+\./, '$1.vq0.');

export interface LitmusVerdict {
  readonly killed: boolean;
  /** Whether the mutation applied at all in the litmus. */
  readonly fired: number;
  readonly summary: string;
}

export function litmusStage(m: Mutant, variant: { eventIdx: boolean; memoryModel: MemoryModelName }, maxStates = 100_000): LitmusVerdict | undefined {
  if (!isStreamOperator(m.operator) || !/^(dev|drv)\.vq\d+\./.test(m.site)) return undefined;
  const mapped: Mutant = { ...m, site: toVq0(m.site)!, ...(m.second !== undefined ? { second: toVq0(m.second)! } : {}) };
  const count = { fired: 0 };
  for (const config of litmusConfigs(variant)) {
    const r = exploreExhaustive(notifyLitmusTarget(config, (_p, gen) => mutateStream(gen, mapped, count)), { maxStates });
    if (r.verdict === 'violated') {
      const v = r.counterexample!.violation;
      return { killed: true, fired: count.fired, summary: `${v.property}: ${v.summary} (exhaustive notify litmus, ${config.buffers} buffers, ${r.states} states)` };
    }
  }
  return { killed: false, fired: count.fired, summary: count.fired ? 'not broken by any interleaving of the notify litmus either' : 'not in the notify litmus' };
}
