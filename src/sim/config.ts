// A run's configuration: transport profile × features × memory model × kick style ×
// workload size, plus the faults (quirks) of device and driver. Plain data, serialisable.

import type { MemoryModelName } from '../kernel/index.ts';
import { type DeviceQuirks, REFERENCE_DEVICE } from '../device/quirks.ts';
import { type DriverQuirks, REFERENCE_DRIVER } from '../driver/quirks.ts';
import type { KickMode } from '../device/virtio-device.ts';
import { type InterruptLineProfile, ONE_LINE } from '../transport/mmio/irq-lines.ts';
import type { DriverLineOptions } from '../driver/line-handlers.ts';
import { type DeviceErrorConfig, NO_DEVICE_ERROR } from '../device/device-error.ts';
import { DEFAULT_MSI, type IrqDelivery, type MsiSimOptions } from './msi-config.ts';
import type { MmioSlot } from '../transport/mmio/identity-slot.ts';

export type TransportProfile = 'mmio-v1' | 'mmio-v2';

/** What the guest runs: the net driver's workload, or the status-gating probe of the device. */
export type Workload = 'net' | 'status-gating';

export interface SimConfig {
  readonly workload: Workload;
  readonly transport: TransportProfile;
  /** The device offers VIRTIO_F_EVENT_IDX (and the driver knows it, unless `driverKnowsEventIdx` says otherwise). */
  readonly eventIdx: boolean;
  /** Whether the driver knows EVENT_IDX (default: `eventIdx`); false for a firmware-style driver that negotiates flags only. */
  readonly driverKnowsEventIdx?: boolean;
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
  // --- notifications / net-mq flows ---
  /** Fault injection, legal for a device (NOTIF-DRV-3): this many extra used-buffer notifications with nothing new in the used ring. 0 = none. */
  readonly spuriousInterrupts: number;
  /** Fault injection, legal for a driver (NOTIF-DEV-7): this many extra QueueNotify writes with nothing new in the avail ring. 0 = none. */
  readonly spuriousKicks: number;
  /** Flows the packets belong to (packet k is in flow (k−1) mod flows + 1, both ways); 0 = every packet a flow of its own. */
  readonly flows: number;
  // --- end notifications / net-mq flows ---
  // --- feature negotiation ---
  /** The device also offers ACCESS_PLATFORM and refuses FEATURES_OK without it (mlx5_vdpa verify_min_features): it cannot accept every valid subset. */
  readonly requireAccessPlatform: boolean;
  /** A guest with restricted memory access (SEV, TDX, s390 PV): the driver needs ACCESS_PLATFORM (Linux virtio_features_ok, virtio_check_mem_acc_cb). */
  readonly protectedGuest: boolean;
  /** The device offers VIRTIO_NET_F_MTU with this mtu in its config (§5.1.4); 0 = not offered. */
  readonly mtu: number;
  // --- end feature negotiation ---
  // --- mmio transport rules (MMIO-DRV-3/4/5/9/13, MMIO-DEV-5) ---
  /** What the driver finds in the virtio-mmio window: the net device, or an empty window, a placeholder, a Version 3 device. */
  readonly mmioSlot: MmioSlot;
  /** Once the workload is done, the driver is removed (virtnet_remove: reset, then del_vqs, which stops each queue, MMIO-DRV-9). */
  readonly removeAfterWorkload: boolean;
  /** virtnet_probe reads the MAC with virtio_cread_bytes: byte reads inside a ConfigGeneration loop (§2.5.1, MMIO-DEV-5). */
  readonly readMac: boolean;
  // --- end mmio transport rules ---
  /**
   * The administrator sets the MAC (`ip link set address`) while the driver still probes: Linux
   * before 50c0ada627f5 registered the netdev before DRIVER_OK, and `virtnet_set_mac_address`
   * writes a legacy device's config mac byte by byte (§5.1.4 legacy: always writable).
   */
  readonly setMacDuringProbe: boolean;
  readonly device: DeviceQuirks;
  readonly driver: DriverQuirks;
  // --- needs-reset ---
  /** An error the device meets once and that needs a reset (§2.1.2): where, if anywhere (device/device-error.ts). */
  readonly deviceError: DeviceErrorConfig;
  /**
   * The driver's config-change work reads Status and, on DEVICE_NEEDS_RESET, recovers (§2.1.1):
   * reset, reclaim, re-initialise, resubmit. Off: Linux virtio_net today, which never looks.
   */
  readonly needsResetRecovery: boolean;
  // --- end needs-reset ---
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
  spuriousInterrupts: 0,
  spuriousKicks: 0,
  flows: 0,
  // --- feature negotiation ---
  requireAccessPlatform: false,
  protectedGuest: false,
  mtu: 0,
  // --- end feature negotiation ---
  mmioSlot: 'net',
  removeAfterWorkload: false,
  readMac: false,
  setMacDuringProbe: false,
  device: REFERENCE_DEVICE,
  driver: REFERENCE_DRIVER,
  deviceError: NO_DEVICE_ERROR, // needs-reset
  needsResetRecovery: false, // needs-reset
};
