// Feature bits used by the suite (virtio v1.4 §2.2, §6 reserved bits, §5.1.3 virtio-net)
// with the dependencies of §5.1.3.1. Bit numbers, not masks: see `featureMask`.

/** Device-independent ("reserved", chapter 6) feature bit numbers. @public */
export const VIRTIO_F = {
  NOTIFY_ON_EMPTY: 24,
  ANY_LAYOUT: 27,
  INDIRECT_DESC: 28,
  EVENT_IDX: 29,
  VERSION_1: 32,
  ACCESS_PLATFORM: 33,
  RING_PACKED: 34,
  IN_ORDER: 35,
  ORDER_PLATFORM: 36,
  SR_IOV: 37,
  NOTIFICATION_DATA: 38,
  NOTIF_CONFIG_DATA: 39,
  RING_RESET: 40,
  ADMIN_VQ: 41,
  SUSPEND: 43,
} as const;

/**
 * EXPERIMENTAL feature bits for the proposals the suite judges. No official numbers exist:
 * the 2014/2019/2023 multi-line RFCs had no bit, and the 2020 MMIO-MSI patches used 39/40,
 * which are NOTIF_CONFIG_DATA and RING_RESET today. These come from 44–49 ("reserved for
 * future", needing an OASIS allocation) so that they collide with nothing defined. @public
 */
export const VIRTIO_F_EXPERIMENTAL = {
  /** The driver handles interrupts on every line the platform gives the device (§7 of the notes). */
  MMIO_MULTI_IRQ: 48,
} as const;

/** virtio-net feature bit numbers (§5.1.3). @public */
export const VIRTIO_NET_F = {
  CSUM: 0,
  GUEST_CSUM: 1,
  CTRL_GUEST_OFFLOADS: 2,
  MTU: 3,
  MAC: 5,
  GUEST_TSO4: 7,
  GUEST_TSO6: 8,
  GUEST_ECN: 9,
  GUEST_UFO: 10,
  HOST_TSO4: 11,
  HOST_TSO6: 12,
  HOST_ECN: 13,
  HOST_UFO: 14,
  MRG_RXBUF: 15,
  STATUS: 16,
  CTRL_VQ: 17,
  CTRL_RX: 18,
  CTRL_VLAN: 19,
  CTRL_RX_EXTRA: 20,
  GUEST_ANNOUNCE: 21,
  MQ: 22,
  CTRL_MAC_ADDR: 23,
  RSS: 60,
} as const;

/** A feature set as a bigint mask (features run past bit 63 in virtio-net). */
export type FeatureSet = bigint;

/** `featureMask(29)` → the mask with bit 29 set. The BZ-KVT-04 slip is using 29 as the mask. */
export function featureMask(...bits: number[]): FeatureSet {
  let m = 0n;
  for (const b of bits) m |= 1n << BigInt(b);
  return m;
}

export function hasFeature(set: FeatureSet, bit: number): boolean {
  return (set & (1n << BigInt(bit))) !== 0n;
}

/**
 * Dependencies (§5.1.3.1, §2.2.1 FEAT-DRV-2): a bit may be accepted only with all bits of
 * one of its `anyOf` groups. Each entry: feature → list of alternative prerequisite sets.
 */
export interface FeatureDependency {
  readonly feature: number;
  readonly name: string;
  /** The feature needs every bit of at least one of these groups. */
  readonly anyOf: readonly (readonly number[])[];
  readonly section: string;
}

const N = VIRTIO_NET_F;
export const NET_FEATURE_DEPENDENCIES: readonly FeatureDependency[] = [
  { feature: N.MQ, name: 'VIRTIO_NET_F_MQ', anyOf: [[N.CTRL_VQ]], section: '5.1.3.1' },
  { feature: N.CTRL_RX, name: 'VIRTIO_NET_F_CTRL_RX', anyOf: [[N.CTRL_VQ]], section: '5.1.3.1' },
  { feature: N.CTRL_VLAN, name: 'VIRTIO_NET_F_CTRL_VLAN', anyOf: [[N.CTRL_VQ]], section: '5.1.3.1' },
  { feature: N.GUEST_ANNOUNCE, name: 'VIRTIO_NET_F_GUEST_ANNOUNCE', anyOf: [[N.CTRL_VQ]], section: '5.1.3.1' },
  { feature: N.CTRL_MAC_ADDR, name: 'VIRTIO_NET_F_CTRL_MAC_ADDR', anyOf: [[N.CTRL_VQ]], section: '5.1.3.1' },
  { feature: N.RSS, name: 'VIRTIO_NET_F_RSS', anyOf: [[N.CTRL_VQ]], section: '5.1.3.1' },
  { feature: N.GUEST_TSO4, name: 'VIRTIO_NET_F_GUEST_TSO4', anyOf: [[N.GUEST_CSUM]], section: '5.1.3.1' },
  { feature: N.GUEST_TSO6, name: 'VIRTIO_NET_F_GUEST_TSO6', anyOf: [[N.GUEST_CSUM]], section: '5.1.3.1' },
  { feature: N.GUEST_UFO, name: 'VIRTIO_NET_F_GUEST_UFO', anyOf: [[N.GUEST_CSUM]], section: '5.1.3.1' },
  { feature: N.GUEST_ECN, name: 'VIRTIO_NET_F_GUEST_ECN', anyOf: [[N.GUEST_TSO4], [N.GUEST_TSO6]], section: '5.1.3.1' },
  { feature: N.HOST_TSO4, name: 'VIRTIO_NET_F_HOST_TSO4', anyOf: [[N.CSUM]], section: '5.1.3.1' },
  { feature: N.HOST_TSO6, name: 'VIRTIO_NET_F_HOST_TSO6', anyOf: [[N.CSUM]], section: '5.1.3.1' },
  { feature: N.HOST_UFO, name: 'VIRTIO_NET_F_HOST_UFO', anyOf: [[N.CSUM]], section: '5.1.3.1' },
  { feature: N.HOST_ECN, name: 'VIRTIO_NET_F_HOST_ECN', anyOf: [[N.HOST_TSO4], [N.HOST_TSO6]], section: '5.1.3.1' },
];

/** Bits a virtio-mmio device and driver must never negotiate (§4.2.5). */
export const MMIO_UNSUPPORTED_FEATURES: readonly number[] = [VIRTIO_F.ADMIN_VQ];

// --- feature negotiation: bits a device could not honour (FEAT-DEV-3) ---
/** Chapter-6 numbers (24–40) v1.4 assigns to no feature: reserved (§2.2, §6). */
export const UNASSIGNED_RESERVED_FEATURES: readonly number[] = [25, 26, 31];
/** "Reserved for future extensions" in v1.4 (§2.2: 44–49); bits ≥128 are too, but no register word reaches them here. */
export const FUTURE_RESERVED_FEATURES: readonly number[] = [44, 45, 46, 47, 48, 49];

/**
 * The first offered bit a device could not honour if the driver accepted it (FEAT-DEV-3,
 * §2.2.2): a reserved or reserved-for-future bit, or one the transport does not support
 * (§4.2.5 for MMIO). `allowed` are the EXPERIMENTAL bits of a proposal under judgement.
 * Device-type bits are not judged: the suite does not carry the whole §5.1.3 table.
 */
export function unhonourableOffer(offered: FeatureSet, transport: 'mmio' | 'pci', allowed: FeatureSet = 0n): { bit: number; why: string } | undefined {
  const groups: [readonly number[], string][] = [
    [UNASSIGNED_RESERVED_FEATURES, 'a reserved bit no feature is assigned to (§2.2, §6)'],
    [FUTURE_RESERVED_FEATURES, 'reserved for future extensions (§2.2)'],
    [transport === 'mmio' ? MMIO_UNSUPPORTED_FEATURES : [], 'not supported by virtio-mmio (§4.2.5)'],
  ];
  for (const [bits, why] of groups) {
    for (const bit of bits) if (hasFeature(offered & ~allowed, bit)) return { bit, why };
  }
  return undefined;
}
// --- end feature negotiation ---

/** The first unmet dependency of `set`, or undefined when the set is closed. */
export function unmetDependency(
  set: FeatureSet,
  deps: readonly FeatureDependency[] = NET_FEATURE_DEPENDENCIES,
): FeatureDependency | undefined {
  return deps.find(
    (d) => hasFeature(set, d.feature) && !d.anyOf.some((group) => group.every((b) => hasFeature(set, b))),
  );
}

/** Names of the set bits, for messages: `EVENT_IDX|VERSION_1`. */
export function formatFeatures(set: FeatureSet): string {
  const names = new Map<number, string>();
  for (const [k, v] of Object.entries(VIRTIO_NET_F)) names.set(v, `NET_${k}`);
  for (const [k, v] of Object.entries(VIRTIO_F)) names.set(v, k);
  for (const [k, v] of Object.entries(VIRTIO_F_EXPERIMENTAL)) names.set(v, `EXPERIMENTAL_${k}`);
  const out: string[] = [];
  for (let b = 0; b < 128; b++) if (hasFeature(set, b)) out.push(names.get(b) ?? `bit${b}`);
  return out.length ? out.join('|') : '∅';
}
