// virtio-mmio register maps: Version 2 (§4.2.2) and legacy Version 1 (§4.2.4).
// Offsets are bytes from the device's base; every control register is 32 bits wide.

/** Version 2 register offsets (§4.2.2). Linux spells QueueDriver/QueueDevice AVAIL/USED. @public */
export const MMIO = {
  MagicValue: 0x000,
  Version: 0x004,
  DeviceID: 0x008,
  VendorID: 0x00c,
  DeviceFeatures: 0x010,
  DeviceFeaturesSel: 0x014,
  DriverFeatures: 0x020,
  DriverFeaturesSel: 0x024,
  QueueSel: 0x030,
  QueueSizeMax: 0x034,
  QueueSize: 0x038,
  QueueReady: 0x044,
  QueueNotify: 0x050,
  InterruptStatus: 0x060,
  InterruptACK: 0x064,
  Status: 0x070,
  QueueDescLow: 0x080,
  QueueDescHigh: 0x084,
  QueueDriverLow: 0x090,
  QueueDriverHigh: 0x094,
  QueueDeviceLow: 0x0a0,
  QueueDeviceHigh: 0x0a4,
  SHMSel: 0x0ac,
  SHMLenLow: 0x0b0,
  SHMLenHigh: 0x0b4,
  SHMBaseLow: 0x0b8,
  SHMBaseHigh: 0x0bc,
  QueueReset: 0x0c0,
  ConfigGeneration: 0x0fc,
  Config: 0x100,
} as const;

/** Registers that exist only in Version 1 (legacy, §4.2.4). @public */
export const MMIO_LEGACY = {
  GuestPageSize: 0x028,
  QueueAlign: 0x03c,
  QueuePFN: 0x040,
} as const;

export const MMIO_MAGIC = 0x74726976; // "virt" little-endian (MMIO-DEV-1)
export const MMIO_VENDOR_QEMU = 0x554d4551; // "QEMU"
export const MMIO_WINDOW = 0x200;

/**
 * EXPERIMENTAL — not in any spec or proposal: per-line interrupt status for a device with
 * several interrupt lines (the `multi-irq-per-line-status` variant). Two bits per line,
 * line k in bits 2k (VRING) and 2k+1 (CONFIG): a read shows every line's bits, an ACK write
 * clears the written ones, so handlers on different CPUs never share a selector. Placed in
 * the reserved range below ConfigGeneration; a real proposal would need an allocation.
 */
export const MMIO_EXPERIMENTAL_LINES = {
  LineInterruptStatus: 0x0f0,
  LineInterruptACK: 0x0f4,
} as const;
export const LINE_STATUS_BITS = 2;

/** InterruptStatus / InterruptACK bits (§4.2.2, §4.2.3.4). */
export const MMIO_INT = {
  VRING: 1, // used buffer notification
  CONFIG: 2, // configuration change notification
} as const;

export type RegisterAccess = 'R' | 'W' | 'RW';

export interface RegisterInfo {
  readonly name: string;
  readonly offset: number;
  readonly access: RegisterAccess;
}

function table(entries: [string, number, RegisterAccess][]): ReadonlyMap<number, RegisterInfo> {
  return new Map(entries.map(([name, offset, access]) => [offset, { name, offset, access }]));
}

const common: [string, number, RegisterAccess][] = [
  ['MagicValue', MMIO.MagicValue, 'R'],
  ['Version', MMIO.Version, 'R'],
  ['DeviceID', MMIO.DeviceID, 'R'],
  ['VendorID', MMIO.VendorID, 'R'],
  ['DeviceFeatures', MMIO.DeviceFeatures, 'R'],
  ['DeviceFeaturesSel', MMIO.DeviceFeaturesSel, 'W'],
  ['DriverFeatures', MMIO.DriverFeatures, 'W'],
  ['DriverFeaturesSel', MMIO.DriverFeaturesSel, 'W'],
  ['QueueSel', MMIO.QueueSel, 'W'],
  ['QueueSizeMax', MMIO.QueueSizeMax, 'R'],
  ['QueueSize', MMIO.QueueSize, 'W'],
  ['QueueNotify', MMIO.QueueNotify, 'W'],
  ['InterruptStatus', MMIO.InterruptStatus, 'R'],
  ['InterruptACK', MMIO.InterruptACK, 'W'],
  ['Status', MMIO.Status, 'RW'],
];

/** Version 2 control registers by offset (config space at 0x100+ is not listed). */
export const MMIO_V2_REGISTERS = table([
  ...common,
  ['QueueReady', MMIO.QueueReady, 'RW'],
  ['QueueDescLow', MMIO.QueueDescLow, 'W'],
  ['QueueDescHigh', MMIO.QueueDescHigh, 'W'],
  ['QueueDriverLow', MMIO.QueueDriverLow, 'W'],
  ['QueueDriverHigh', MMIO.QueueDriverHigh, 'W'],
  ['QueueDeviceLow', MMIO.QueueDeviceLow, 'W'],
  ['QueueDeviceHigh', MMIO.QueueDeviceHigh, 'W'],
  ['SHMSel', MMIO.SHMSel, 'W'],
  ['SHMLenLow', MMIO.SHMLenLow, 'R'],
  ['SHMLenHigh', MMIO.SHMLenHigh, 'R'],
  ['SHMBaseLow', MMIO.SHMBaseLow, 'R'],
  ['SHMBaseHigh', MMIO.SHMBaseHigh, 'R'],
  ['QueueReset', MMIO.QueueReset, 'RW'],
  ['ConfigGeneration', MMIO.ConfigGeneration, 'R'],
]);

/** Version 1 (legacy) control registers by offset (§4.2.4). */
export const MMIO_V1_REGISTERS = table([
  ...common,
  ['GuestPageSize', MMIO_LEGACY.GuestPageSize, 'W'],
  ['QueueAlign', MMIO_LEGACY.QueueAlign, 'W'],
  ['QueuePFN', MMIO_LEGACY.QueuePFN, 'RW'],
]);

import { msiRegisterName } from './msi-registers.ts';

/** The register name at `offset` for a layout version, or `config+N` / `0x...` when unnamed. */
export function registerName(version: 1 | 2, offset: number): string {
  const msi = msiRegisterName(offset); // the MSI profiles' blocks (msi-registers.ts), EXPERIMENTAL / marked
  if (msi) return msi;
  if (offset >= MMIO.Config) return `config+0x${(offset - MMIO.Config).toString(16)}`;
  const map = version === 1 ? MMIO_V1_REGISTERS : MMIO_V2_REGISTERS;
  return map.get(offset)?.name ?? `0x${offset.toString(16).padStart(3, '0')}`;
}
