// The interrupt-delivery part of a configuration (SimConfig `irqDelivery`, `msi`) and its
// wiring: the device's vector table and register block, the driver's MSI side, and the
// IRQ-affinity changes the vCPUs run while traffic flows.

import { type MsiProfile, VIRTIO_F_EXPERIMENTAL_MMIO_MSI } from '../../spec/facts/msi-registers.ts';
import { featureMask } from '../../spec/facts/feature-bits.ts';
import type { World } from '../kernel/index.ts';
import type { InterruptController } from '../platform/interrupt-controller.ts';
import type { MmioTransportDevice } from '../transport/mmio/mmio-device.ts';
import { DeviceMsiVectors, UNMAPPED } from '../transport/msi/msi-vectors.ts';
import { MmioMsiBlock } from '../transport/msi/mmio-msi-block.ts';
import { PciMsixBlock } from '../transport/msi/pci-msix-block.ts';
import type { VirtioMmioDriver } from '../driver/virtio-mmio.ts';
import type { NetDriver } from '../driver/net-driver.ts';
import type { DeviceQuirks } from '../device/quirks.ts';

/** The classic level line (default), or a message-signalled profile. */
export type IrqDelivery = 'line' | MsiProfile;

export interface MsiSimOptions {
  /**
   * Vectors the device has (MsiVecNum / MSI-X Table Size). The driver needs config + one per
   * queue; with fewer it falls back to the line (noted as `drv.msiFallback`).
   */
  readonly vectors: number;
  /** The driver serialises its MsiVecSel sequences with a lock of its own (kernel v2 did not). */
  readonly selectorLock: boolean;
  /** The driver gives the config event a vector (vp_find_vqs does). */
  readonly configVector: boolean;
  /** The vCPUs move queue vectors to another CPU while traffic flows (IRQ-affinity changes). */
  readonly affinityChanges: boolean;
}

export const DEFAULT_MSI: MsiSimOptions = { vectors: 16, selectorLock: false, configVector: true, affinityChanges: true };

/** The mmio MSI profiles offer VIRTIO_F_EXPERIMENTAL_MMIO_MSI (bit 49, EXPERIMENTAL; the proposal's 40 is RING_RESET today). */
export function msiTransportFeatures(profile: IrqDelivery): bigint {
  return profile.startsWith('mmio-msi') ? featureMask(VIRTIO_F_EXPERIMENTAL_MMIO_MSI) : 0n;
}

/** Wire MSI into a built world (no effect for the classic line). */
export function attachMsi(
  config: { readonly irqDelivery: IrqDelivery; readonly msi: MsiSimOptions; readonly cpus: number; readonly device: DeviceQuirks },
  parts: { readonly world: World; readonly irq: InterruptController; readonly transport: MmioTransportDevice; readonly mmio: VirtioMmioDriver; readonly driver: NetDriver },
): void {
  const profile = config.irqDelivery;
  if (profile === 'line') return;
  const { world, irq, transport, mmio, driver } = parts;
  const queues = transport.device.queues.length;
  const vectors = new DeviceMsiVectors(world, irq.msi, config.msi.vectors, queues, {
    resetEntry: config.device.msiVectorsDefaultZero ? 0 : UNMAPPED, // BZ-KVT-02: 0, a valid vector, instead of NO_VECTOR
    maskedAtReset: profile === 'pci-msix', // PCI: every entry masked after reset (QEMU msix_reset)
  });
  transport.msi = profile === 'pci-msix' ? new PciMsixBlock(vectors)
    : new MmioMsiBlock(vectors, profile === 'mmio-msi-latched' ? 'latched' : 'live');
  const msi = mmio.attachMsi(irq.msi, { profile, ...config.msi }, queues);
  for (const move of msi.affinityMoves(config.cpus)) {
    let done = false;
    driver.tasks[move.by]!.push({
      ready: () => msi.live && !done && mmio.msi === msi,
      run: function* () { done = true; yield* msi.moveVector(move.entry, move.to, move.by); },
    });
  }
}
