// Split virtqueue layout (§2.7, §2.7.6 available ring, §2.7.8 used ring) and the legacy
// contiguous layout that MMIO Version 1 and legacy PCI use (§2.7 "Legacy Interfaces").

/** Descriptor flags (§2.7.5). */
export const VIRTQ_DESC_F = { NEXT: 1, WRITE: 2, INDIRECT: 4 } as const;
/** Available ring flags: the driver's "no interrupts, please" hint (§2.7.7). */
export const VIRTQ_AVAIL_F_NO_INTERRUPT = 1;
/** Used ring flags: the device's "no kicks, please" hint (§2.7.10). */
export const VIRTQ_USED_F_NO_NOTIFY = 1;

export const DESC_SIZE = 16; // {le64 addr; le32 len; le16 flags; le16 next}

/** Byte offsets of ring fields, for a queue of `num` entries (a power of 2). */
export const splitRing = {
  descAddr: (desc: number, i: number) => desc + DESC_SIZE * i,
  descSize: (num: number) => DESC_SIZE * num,
  // avail: le16 flags; le16 idx; le16 ring[num]; le16 used_event
  availFlags: (avail: number) => avail,
  availIdx: (avail: number) => avail + 2,
  availRing: (avail: number, num: number, i: number) => avail + 4 + 2 * (i & (num - 1)),
  usedEvent: (avail: number, num: number) => avail + 4 + 2 * num,
  availSize: (num: number) => 6 + 2 * num,
  // used: le16 flags; le16 idx; {le32 id; le32 len} ring[num]; le16 avail_event
  usedFlags: (used: number) => used,
  usedIdx: (used: number) => used + 2,
  usedElemId: (used: number, num: number, i: number) => used + 4 + 8 * (i & (num - 1)),
  usedElemLen: (used: number, num: number, i: number) => used + 8 + 8 * (i & (num - 1)),
  availEvent: (used: number, num: number) => used + 4 + 8 * num,
  usedSize: (num: number) => 6 + 8 * num,
} as const;

export function alignUp(value: number, align: number): number {
  return Math.ceil(value / align) * align;
}

/** Legacy contiguous layout: desc, avail, then used aligned to `align` (QueueAlign). */
export function legacyRingLayout(base: number, num: number, align: number) {
  const desc = base;
  const avail = desc + splitRing.descSize(num);
  const used = alignUp(avail + splitRing.availSize(num), align);
  return { desc, avail, used, size: used + splitRing.usedSize(num) - base };
}

/** Largest queue size the split ring allows (§2.7: a power of 2, at most 32768). */
export const MAX_SPLIT_QUEUE_SIZE = 32768;
