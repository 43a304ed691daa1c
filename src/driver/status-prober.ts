// A test harness, not a driver: from every status the init sequence reaches, write every
// byte 0..255 to Status and read it back — the exhaustive (state × byte) probe of the
// device's status gating (§2.1, §3.1.1; Firecracker 2e0b4abd). It deliberately breaks the
// driver rules, so only the device role is judged on its runs.

import type { Process } from '../kernel/index.ts';
import { INIT_SEQUENCE, STATUS } from '../../spec/facts/status-bits.ts';

/** What the probe needs of a transport driver (VirtioMmioDriver; VirtioPciConsoleDriver for virtio-pci). */
export interface StatusProbeTarget {
  probe(): Process<boolean>;
  reset(): Process;
  getFeatures(): Process<bigint>;
  finalizeFeatures(features: bigint): Process;
  setStatus(value: number): Process;
  getStatus(): Process<number>;
}

/** The cumulative prefixes of the init sequence: [], [1], [1,3], [1,3,0xB], [1,3,0xB,0xF]. */
export const GATING_START_PATHS: readonly (readonly number[])[] =
  [...INIT_SEQUENCE.map((_, i) => INIT_SEQUENCE.slice(0, i)), [...INIT_SEQUENCE]];

export function* statusProber(mmio: StatusProbeTarget, bytes: readonly number[] = range256()): Process {
  if (!(yield* mmio.probe())) return;
  for (const path of GATING_START_PATHS) {
    for (const b of bytes) {
      yield* mmio.reset();
      for (const value of path) {
        if (value & STATUS.FEATURES_OK && !(value & STATUS.DRIVER_OK)) {
          yield* mmio.finalizeFeatures(yield* mmio.getFeatures());
        }
        yield* mmio.setStatus(value);
      }
      yield* mmio.setStatus(b);
      yield* mmio.getStatus();
    }
  }
  yield* mmio.reset();
}

function range256(): number[] {
  return Array.from({ length: 256 }, (_, i) => i);
}
