// Device status field bits (virtio v1.4 §2.1). The driver sets them in the order
// ACKNOWLEDGE, DRIVER, FEATURES_OK, DRIVER_OK (§3.1.1); writing 0 requests a reset.

/** Status bit values as the spec names them (§2.1). @public */
export const STATUS = {
  ACKNOWLEDGE: 1,
  DRIVER: 2,
  DRIVER_OK: 4,
  FEATURES_OK: 8,
  SUSPEND: 16,
  DEVICE_NEEDS_RESET: 64,
  FAILED: 128,
} as const;

export type StatusBitName = keyof typeof STATUS;

/** The cumulative values Linux `virtio_add_status` writes during init: 1, 3, 0xB, 0xF (§3.1.1). */
export const INIT_SEQUENCE: readonly number[] = [
  STATUS.ACKNOWLEDGE,
  STATUS.ACKNOWLEDGE | STATUS.DRIVER,
  STATUS.ACKNOWLEDGE | STATUS.DRIVER | STATUS.FEATURES_OK,
  STATUS.ACKNOWLEDGE | STATUS.DRIVER | STATUS.FEATURES_OK | STATUS.DRIVER_OK,
];

/** Legacy (no VERSION_1) drivers skip FEATURES_OK: 1, 3, 7 (§3.1.2). */
export const LEGACY_INIT_SEQUENCE: readonly number[] = [
  STATUS.ACKNOWLEDGE,
  STATUS.ACKNOWLEDGE | STATUS.DRIVER,
  STATUS.ACKNOWLEDGE | STATUS.DRIVER | STATUS.DRIVER_OK,
];

/** Human-readable rendering of a status byte, e.g. `ACK|DRV|FEAT_OK`. */
export function formatStatus(value: number): string {
  if (value === 0) return '0';
  const names: string[] = [];
  const short: Record<StatusBitName, string> = {
    ACKNOWLEDGE: 'ACK', DRIVER: 'DRV', DRIVER_OK: 'DRV_OK', FEATURES_OK: 'FEAT_OK',
    SUSPEND: 'SUSPEND', DEVICE_NEEDS_RESET: 'NEEDS_RESET', FAILED: 'FAILED',
  };
  for (const [name, bit] of Object.entries(STATUS) as [StatusBitName, number][]) {
    if (value & bit) names.push(short[name]);
  }
  const unknown = value & ~Object.values(STATUS).reduce((a, b) => a | b, 0);
  if (unknown) names.push(`0x${unknown.toString(16)}`);
  return names.join('|');
}
