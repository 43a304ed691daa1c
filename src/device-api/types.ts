// The device API: what another device implementation provides to run in the simulator in
// place of the reference virtio-mmio net device, and what the platform gives it. The
// reference driver, the vCPUs, the interrupt controller and every oracle stay as they are.

import type { AccessSize, NoteData, Process } from '../kernel/index.ts';

/**
 * What the run asks of the device (from the variant's configuration): the device decides
 * what it supports and may refuse the rest by throwing from its factory.
 * @public
 */
export interface DeviceRunConfig {
  /** virtio-mmio register layout the driver expects: 2 (§4.2.2) or legacy 1 (§4.2.4). */
  readonly version: 1 | 2;
  /** Offer VIRTIO_F_EVENT_IDX (§2.7.10). */
  readonly eventIdx: boolean;
  /** QueueNumMax for every queue. */
  readonly queueNumMax: number;
  /** Ring-index width in bits: 16 in the spec; fewer make indices wrap early. */
  readonly indexWidth: number;
  /** Kick handling the variant models: on the vCPU inside the exit ('sync') or on a device thread ('async'). */
  readonly kicks: 'sync' | 'async';
  /** Packets the backend delivers to the guest (virtio-net receive queue). */
  readonly rxPackets: number;
  /** Packets the guest sends (informational: the driver decides). */
  readonly txPackets: number;
  /** A link announce (config change, §2.5) after every this many rx packets; 0 = never. */
  readonly announceEvery: number;
  /** max_virtqueue_pairs to offer with MQ + CTRL_VQ; 0 = one pair, no control queue. */
  readonly maxQueuePairs: number;
  /** Interrupt lines wired to the device (1 = the spec). */
  readonly lines: number;
}

/**
 * What the platform gives a device: the run's configuration, its interrupt lines, and a
 * way to record from inside a register handler or a `locked` section (code that runs
 * inside one atomic step and cannot `yield`).
 *
 * Inside a generator (a device thread, or the continuation a register write returns) use the
 * effects instead: `load`/`store`/`fence` for guest memory, `setIrq` for a line, `locked`,
 * `wait`, `note` — all exported from the package root.
 * @public
 */
export interface DevicePlatform {
  readonly config: DeviceRunConfig;
  /** The platform line number of the device's line 0; line k is `irqBase + k`. */
  readonly irqBase: number;
  /** Drive an interrupt line now, recorded as a `setIrq` effect of the running step. Only inside a handler or `locked` run. */
  setIrq(line: number, level: 0 | 1, site?: string): void;
  /** Record a semantic note (see `DeviceNotes`) now. Only inside a handler or `locked` run; in a generator `yield note(...)`. */
  note(name: string, data: NoteData): void;
  /**
   * Guest memory accessed directly, inside the current atomic step: each access is recorded
   * (as a load, or a store visible at once) so the oracles see it. This is what
   * `fromSynchronousDevice` uses; it gives up the interleaving and TSO buffering that
   * `load`/`store` effects have, so a generator device should yield effects instead.
   */
  readonly atomicMemory: GuestMemoryAccess;
}

/**
 * Synchronous guest-memory access (little-endian, 1/2/4/8 bytes), recorded as it happens.
 * @public
 */
export interface GuestMemoryAccess {
  read(addr: number, size: AccessSize): number;
  write(addr: number, size: AccessSize, value: number): void;
}

/**
 * A device implementation: the virtio-mmio register window and the device's own threads.
 *
 * Register handlers run inside the vCPU's trapped access, atomically (a VM exit under
 * QEMU's BQL). They must not touch guest memory directly: a write may instead return a
 * continuation `Process` that runs on the trapping vCPU, one effect per step (QEMU's
 * synchronous `handle_output`), before the vCPU goes on.
 * @public
 */
export interface DeviceImplementation {
  /** Register read at `off` from the window base; `cpu` is the accessing vCPU. */
  read(off: number, size: AccessSize, cpu: number): number;
  /** Register write; may return work to run on the trapping vCPU (e.g. a QueueNotify handled synchronously). */
  write(off: number, size: AccessSize, value: number, cpu: number): Process | undefined;
  /** False while the device's lock is held by one of its threads: register accesses wait (default: always true). */
  accessible?(): boolean;
  /** The device's own threads (worker, backend peer), spawned after the vCPUs in this order; names should start with `dev.`. */
  threads?(): Iterable<readonly [name: string, body: Process]>;
}

/**
 * The factory a device module exports (as `default` or `createDevice`): called once per
 * run with a fresh platform, so it must build fresh state each time and be deterministic
 * (no `Math.random`, `Date` or real async).
 * @public
 */
export type DeviceFactory = (platform: DevicePlatform) => DeviceImplementation;
