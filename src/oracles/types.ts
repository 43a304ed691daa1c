// What an oracle reports: a violation is data first (property, requirements, where),
// text second (summary, explanation). Oracles are folds over decoded trace events.

import type { PropertyId } from '../../spec/requirements/types.ts';
import type { ProtocolEvent } from './decode.ts';
import type { RingView } from './ring-view.ts';
import type { InterruptLineProfile } from '../transport/mmio/irq-lines.ts';
import type { MmioSlot } from '../transport/mmio/identity-slot.ts';

export type OracleProperty = PropertyId | 'P-FAULT';

export interface Violation {
  readonly property: OracleProperty;
  readonly requirements: readonly string[];
  /** One line: what went wrong. */
  readonly summary: string;
  /** Why it is a violation, from the shrunk steps ("Let … Then … However …"). */
  readonly explanation: string;
  /** Index of the offending record in the run's trace. */
  readonly at: number;
}

/** What an oracle knows of the run besides its events. */
export interface OracleContext {
  /** MMIO register layout the driver talks to (decodes offsets). */
  readonly mmioVersion: 1 | 2;
  /** The device's interrupt line (its line 0, with several). */
  readonly line: number;
  /** How many lines the device has and how their status is reported (one line: the spec today). */
  readonly interruptLines: InterruptLineProfile;
  /** True when stores are buffered (TSO): a store is visible only at its flush. */
  readonly buffered: boolean;
  /** False when the guest side is a test harness that breaks driver rules on purpose: judge the device only. */
  readonly judgeDriver: boolean;
  /** Register decoding: virtio-mmio (the default) or the virtio-pci window (spec/facts/pci-registers.ts). */
  readonly transport?: 'mmio' | 'pci' | undefined;
  /** What the driver probes in the virtio-mmio window (SimConfig `mmioSlot`); the net device when absent. */
  readonly mmioSlot?: MmioSlot | undefined;
}

/** One oracle over one run: feed it events in order, then `finish` at the end of the trace. */
export interface OracleRun {
  onEvent(ev: ProtocolEvent, at: number): void;
  finish(end: ProtocolEvent, at: number): void;
  readonly violations: Violation[];
}

/** Views of the run that several oracles read, built once per stream (fed before the oracles). */
export interface SharedViews {
  readonly rings: RingView;
}

export interface Oracle {
  readonly property: OracleProperty;
  readonly description: string;
  /** The event kinds it reads; the checker passes it no others (its inner loop). All, when absent. */
  readonly events?: readonly ProtocolEvent['t'][];
  /**
   * The note names it reads, when it reads `note` events: the checker passes it no other
   * notes (most notes are for one or two oracles). All notes, when absent.
   */
  readonly notes?: readonly string[];
  /**
   * 'ring-fields': it reads memory events (`mem.*`) only where they touch a ring field the
   * shared ring view watches (`rings.current` set) or a guard address; the checker passes it
   * no others (descriptors, buffers, avail/used ring entries are most of the traffic).
   * Every memory event of the kinds it reads, when absent.
   */
  readonly memory?: 'ring-fields';
  start(ctx: OracleContext, shared: SharedViews): OracleRun;
}
