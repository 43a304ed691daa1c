// What the driver may find in a virtio-mmio window instead of a working device (§4.2.3.1.1):
// nothing at all, a transport with no backend (DeviceID 0, the "placeholder" of §4.2.2), or
// a device of another register layout. Only the identity registers answer; every other
// read gives 0 and every write is ignored (QEMU virtio_mmio_read with no backend, and
// unassigned_mem_read for an empty window).

import type { AccessSize, Process } from '../../kernel/index.ts';
import { MMIO, MMIO_MAGIC, MMIO_VENDOR_QEMU } from '../../../spec/facts/mmio-registers.ts';
import type { MmioDevice } from '../../platform/mmio-bus.ts';

/** What sits in the window the driver probes (SimConfig `mmioSlot`). */
export type MmioSlot =
  /** the reference virtio-net device (the default). */
  | 'net'
  /** no device decodes the window: every read gives 0 (QEMU unassigned_mem_read). */
  | 'empty'
  /** QEMU `-device virtio-mmio` transport with no backend: magic and version right, DeviceID 0 (MMIO-DRV-5). */
  | 'placeholder'
  /** a device of the 2019 virtio-mmio MSI proposal, v1, which bumped Version to 3 (spec-notes §6.2). */
  | 'version3';

export class IdentitySlot implements MmioDevice {
  constructor(private readonly magic: number, private readonly version: number, private readonly deviceId: number, private readonly vendor: number) {}

  /** The window's identity registers for `slot` (not for 'net', which is the full device). */
  static of(slot: Exclude<MmioSlot, 'net'>, layoutVersion: 1 | 2): IdentitySlot {
    switch (slot) {
      case 'empty': return new IdentitySlot(0, 0, 0, 0);
      case 'placeholder': return new IdentitySlot(MMIO_MAGIC, layoutVersion, 0, MMIO_VENDOR_QEMU);
      case 'version3': return new IdentitySlot(MMIO_MAGIC, 3, 1, MMIO_VENDOR_QEMU);
    }
  }

  read(off: number, _size: AccessSize): number {
    switch (off) {
      case MMIO.MagicValue: return this.magic;
      case MMIO.Version: return this.version;
      case MMIO.DeviceID: return this.deviceId;
      case MMIO.VendorID: return this.vendor;
      default: return 0;
    }
  }

  write(): Process | undefined {
    return undefined;
  }

  accessible(): boolean {
    return true;
  }
}
