// A run's configuration: transport profile × features × memory model × kick style ×
// workload size, plus the faults (quirks) of device and driver. Plain data, serialisable.

import type { MemoryModelName } from '../kernel/index.ts';
import { type DeviceQuirks, REFERENCE_DEVICE } from '../device/quirks.ts';
import { type DriverQuirks, REFERENCE_DRIVER } from '../driver/quirks.ts';
import type { KickMode } from '../device/virtio-device.ts';
import { type InterruptLineProfile, ONE_LINE } from '../transport/mmio/irq-lines.ts';
import type { DriverLineOptions } from '../driver/line-handlers.ts';
import { DEFAULT_MSI, type IrqDelivery, type MsiSimOptions } from './msi-config.ts';
import type { MmioSlot } from '../transport/mmio/identity-slot.ts';

export type TransportProfile = 'mmio-v1' | 'mmio-v2';

/** What the guest runs: the net driver's workload, or the status-gating probe of the device. */
export type Workload = 'net' | 'status-gating';

export interface SimConfig {
  readonly workload: Workload;
  readonly transport: TransportProfile;
  readonly eventIdx: boolean;
  readonly memoryModel: MemoryModelName;
  readonly kicks: KickMode;
  readonly cpus: number;
  readonly queueSize: number;
  /** Ring-index width: 16 for conformance, 2–4 bits to make wrap-around reachable. */
  readonly indexWidth: number;
  readonly rxPackets: number;
  readonly txPackets: number;
  /** The peer's link announces (a config change) after every this many rx packets; 0 = never. */
  readonly announceEvery: number;
  /** Packets the backend delivers per main-loop wake-up, under one device-lock hold. */
  readonly rxBurst: number;
  /** The device also announces a config change before DRIVER_OK, which the driver must defer (P-CFG). */
  readonly earlyAnnounce: boolean;
  readonly napiBudget: number;
  /** virtio-net MQ: max_virtqueue_pairs the device offers (with CTRL_VQ); 0 = no MQ, one pair. */
  readonly maxQueuePairs: number;
  /** With MQ, the driver changes the pair count to this once half its packets are sent (ethtool -L); 0 = never. */
  readonly resizeQueuePairsTo: number;
  /** The device's interrupt lines: one (the spec), or several for the multi-line proposals. */
  readonly lines: InterruptLineProfile;
  /** Which lines the driver claims and the handler it runs on them. */
  readonly driverLines: Omit<DriverLineOptions, 'count'>;
  /** MSI: how the device interrupts (the classic line, or an MSI profile) and the driver's MSI options. */
  readonly irqDelivery: IrqDelivery;
  readonly msi: MsiSimOptions;
  /** The backend answers every transmitted packet at once with a received one (completed inside the tx kick). */
  readonly txEcho: boolean;
  readonly maxSteps: number;
  // --- mmio transport rules (MMIO-DRV-3/4/5/9/13, MMIO-DEV-5) ---
  /** What the driver finds in the virtio-mmio window: the net device, or an empty window, a placeholder, a Version 3 device. */
  readonly mmioSlot: MmioSlot;
  /** Once the workload is done, the driver is removed (virtnet_remove: reset, then del_vqs, which stops each queue, MMIO-DRV-9). */
  readonly removeAfterWorkload: boolean;
  /** virtnet_probe reads the MAC with virtio_cread_bytes: byte reads inside a ConfigGeneration loop (§2.5.1, MMIO-DEV-5). */
  readonly readMac: boolean;
  // --- end mmio transport rules ---
  readonly device: DeviceQuirks;
  readonly driver: DriverQuirks;
}

export const DEFAULT_CONFIG: SimConfig = {
  workload: 'net',
  transport: 'mmio-v2',
  eventIdx: true,
  memoryModel: 'sc',
  kicks: 'sync',
  cpus: 2,
  queueSize: 4,
  indexWidth: 16,
  rxPackets: 6,
  txPackets: 6,
  announceEvery: 3,
  rxBurst: 2,
  earlyAnnounce: false,
  napiBudget: 2,
  maxQueuePairs: 0,
  resizeQueuePairsTo: 0,
  lines: ONE_LINE,
  driverLines: { use: 'line0', handler: 'rfc' },
  irqDelivery: 'line',
  msi: DEFAULT_MSI,
  txEcho: false,
  maxSteps: 4_000,
  mmioSlot: 'net',
  removeAfterWorkload: false,
  readMac: false,
  device: REFERENCE_DEVICE,
  driver: REFERENCE_DRIVER,
};
