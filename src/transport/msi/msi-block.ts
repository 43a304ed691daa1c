// What the MMIO transport asks of an interrupt-delivery profile's register block: the
// offsets it claims, register reads and writes (QueueSel passed in, for per-queue
// mappings), and the vector table behind it.

import type { DeviceMsiVectors } from './msi-vectors.ts';

export interface MsiRegisterBlock {
  readonly vectors: DeviceMsiVectors;
  claims(off: number): boolean;
  read(off: number, queueSel: number): number;
  write(off: number, value: number, queueSel: number): void;
}
