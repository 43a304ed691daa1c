// The fixed v86 runs whose traces are fixtures/v86 (written by write-traces.ts, pinned by properties/v86.test.ts).

import type { V86RunOptions } from './simulation.ts';

/** The runs behind docs/v86.md: a conformant driver, and the two harnesses that found V86-1 and V86-3. */
export const V86_TRACES: readonly [file: string, options: V86RunOptions][] = [
  ['console.jsonl', { seed: 1, scheduler: 'pct', tx: 3, queueSize: 4 }],
  ['kick-before-driver-ok.jsonl', { seed: 1, scheduler: 'pct', tx: 2, queueSize: 4, workload: 'kick-before-driver-ok' }],
  ['multiport.jsonl', { seed: 1, scheduler: 'pct', tx: 2, queueSize: 8, workload: 'multiport' }],
];
