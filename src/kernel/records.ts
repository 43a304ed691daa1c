// What a run leaves behind: one record per executed effect plus the kernel's own
// decisions (store-buffer commits, interrupt entry and exit, the end of the run).

import type { RecordedEffect } from './effects.ts';

export type KernelRecord =
  /** A process (or platform code acting for it) performed `effect`; `result` for loads and reads. */
  | { readonly kind: 'effect'; readonly step: number; readonly proc: number; readonly effect: RecordedEffect; result: number | undefined }
  /** The oldest buffered store of `proc` became visible to everyone (TSO). */
  | { readonly kind: 'flush'; readonly step: number; readonly proc: number; readonly addr: number; readonly size: number; readonly value: number }
  /** The interrupt controller delivered `line` to `proc`, which now runs its handler nested. */
  | { readonly kind: 'irqEnter'; readonly step: number; readonly proc: number; readonly line: number }
  /** The handler returned (EOI). */
  | { readonly kind: 'irqExit'; readonly step: number; readonly proc: number; readonly line: number }
  /** The process's body returned. */
  | { readonly kind: 'exit'; readonly step: number; readonly proc: number }
  /** The process under test threw: a fault of the implementation, not of the kernel. */
  | { readonly kind: 'fault'; readonly step: number; readonly proc: number; readonly message: string }
  /** Nothing is enabled: every process blocked or done, no store buffered, no interrupt deliverable. */
  | { readonly kind: 'quiescent'; readonly step: number }
  /** The step budget ran out before quiescence. */
  | { readonly kind: 'budget'; readonly step: number };

export type RunOutcome = 'quiescent' | 'budget' | 'fault' | 'stopped';
