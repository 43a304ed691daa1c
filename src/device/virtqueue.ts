// Device side of a split virtqueue, after QEMU hw/virtio/virtio.c (virtqueue_pop,
// virtqueue_push, virtio_should_notify, virtio_queue_set_notification). §2.7.

import { type Process, fence, load, note, store } from '../kernel/index.ts';
import { splitRing, VIRTQ_AVAIL_F_NO_INTERRUPT, VIRTQ_USED_F_NO_NOTIFY, VIRTQ_DESC_F } from '../../spec/facts/split-ring-layout.ts';
import { vringNeedEvent } from '../../spec/formulas.ts';
import { type DeviceQuirks, REFERENCE_DEVICE } from './quirks.ts';

export interface QueueElement {
  readonly head: number;
  readonly addr: number;
  readonly len: number;
  readonly writable: boolean;
}

const QUEUE_SITES = ['load_avail_flags', 'load_avail_idx', 'load_avail_ring', 'load_desc_addr', 'load_desc_flags', 'load_desc_len', 'load_used_event', 'mb_after_enable_notification', 'mb_before_used_event', 'rmb_after_avail_idx', 'store_avail_event', 'store_used_flags', 'store_used_id', 'store_used_idx', 'store_used_len', 'wmb_before_used_idx'] as const;

/** Effect sites, built once per queue. */
const queueSiteCache: Record<(typeof QUEUE_SITES)[number], string>[] = [];
function queueSites(q: number): Record<(typeof QUEUE_SITES)[number], string> {
  return (queueSiteCache[q] ??= Object.fromEntries(QUEUE_SITES.map((n) => [n, `dev.vq${q}.${n}`])) as Record<(typeof QUEUE_SITES)[number], string>);
}

/** Per-queue device state: what QEMU keeps in `VirtQueue`. */
export class DeviceVirtqueue {
  num = 0;
  desc = 0;
  avail = 0;
  used = 0;
  ready = false;
  /** Whether the queue was ready when it was last reset (for a register file that latches QueueReady). */
  wasReady = false;
  /** next_avail: the next avail ring index the device will read (QEMU last_avail_idx). */
  lastAvailIdx = 0;
  /** Device's copy of used.idx (QEMU used_idx). */
  usedIdx = 0;
  signalledUsed = 0;
  signalledUsedValid = false;
  /** Set when the driver moved avail.idx more than a ring ahead (§2.7.13.3.1). */
  broken = false;
  /** The once-per-batch mutant's pending verdict (see `notifyOncePerBatch`). */
  batchNotify = false;
  readonly mask: number;
  /** Ring-index width in bits (16 in the spec). */
  readonly width: number;

  readonly sites: Record<(typeof QUEUE_SITES)[number], string>;

  constructor(readonly index: number, readonly numMax: number, width: number, private readonly eventIdx: () => boolean,
    private readonly quirks: DeviceQuirks = REFERENCE_DEVICE) {
    this.sites = queueSites(index);
    this.mask = (1 << width) - 1;
    this.width = width;
  }

  reset(): void {
    this.wasReady = this.ready;
    this.num = 0; this.desc = 0; this.avail = 0; this.used = 0; this.ready = false;
    this.lastAvailIdx = 0; this.usedIdx = 0; this.signalledUsed = 0; this.signalledUsedValid = false; this.broken = false;
    this.batchNotify = false;
  }

  /** `virtio_queue_empty`: avail.idx == last_avail_idx. */
  *empty(): Process<boolean> {
    if (this.broken) return true; // QEMU: a broken device's queues do no more work
    const availIdx = yield load(splitRing.availIdx(this.avail), 2, this.sites.load_avail_idx);
    return ((availIdx - this.lastAvailIdx) & this.mask) === 0;
  }

  /**
   * `virtqueue_pop`: take the next available chain, or undefined when none. `kickSaysSo`: the
   * kickMeansBuffer mutant's first pop after a kick, which reads no avail.idx (NOTIF-DEV-7).
   */
  *pop(kickSaysSo = false): Process<QueueElement | undefined> {
    const q = this.index;
    if (this.broken) return undefined; // virtqueue_pop: `if (unlikely(vdev->broken)) return NULL`
    if (!kickSaysSo) {
      const availIdx = yield load(splitRing.availIdx(this.avail), 2, this.sites.load_avail_idx);
      const heads = (availIdx - this.lastAvailIdx) & this.mask;
      if (heads === 0) return undefined;
      if (heads > this.num && !this.quirks.trustAvailIdx) {
        // "Guest moved used index from %u to %u": never trust an index more than a ring ahead.
        this.broken = true;
        yield note('dev.error', { q, reason: 'avail index more than a ring ahead', availIdx, next: this.lastAvailIdx });
        return undefined;
      }
      yield fence('rmb', this.sites.rmb_after_avail_idx); // read ring entries only after the idx that published them
    }
    const head = yield load(splitRing.availRing(this.avail, this.num, this.lastAvailIdx), 2, this.sites.load_avail_ring);
    this.lastAvailIdx = (this.lastAvailIdx + 1) & this.mask;
    yield note('dev.popAvail', { q, head, nextAvail: this.lastAvailIdx });
    if (this.eventIdx()) {
      // QEMU: vring_set_avail_event(vq, last_avail_idx) right after taking the head (§2.7.10).
      yield store(splitRing.availEvent(this.used, this.num), 2, this.lastAvailIdx, this.sites.store_avail_event);
    }
    if (head >= this.num) throw new Error(`vq${q}: descriptor head ${head} out of range (queue size ${this.num})`);
    const d = splitRing.descAddr(this.desc, head);
    const addr = yield load(d, 8, this.sites.load_desc_addr);
    const len = yield load(d + 8, 4, this.sites.load_desc_len);
    const flags = yield load(d + 12, 2, this.sites.load_desc_flags);
    return { head, addr, len, writable: (flags & VIRTQ_DESC_F.WRITE) !== 0 };
  }

  /** `virtqueue_push` = fill + flush: used element, write barrier, then used.idx (§2.7.8.2). */
  *push(elem: QueueElement, len: number): Process {
    const q = this.index;
    const old = this.usedIdx;
    yield store(splitRing.usedElemId(this.used, this.num, old), 4, elem.head, this.sites.store_used_id);
    yield store(splitRing.usedElemLen(this.used, this.num, old), 4, len, this.sites.store_used_len);
    yield fence('wmb', this.sites.wmb_before_used_idx); // the element is visible before the index that publishes it
    const next = (old + 1) & this.mask;
    this.usedIdx = next;
    yield store(splitRing.usedIdx(this.used), 2, next, this.sites.store_used_idx);
    yield note('dev.pushUsed', { q, head: elem.head, usedIdx: next });
    // QEMU: "if the new entries passed signalled_used, it is stale":
    // (int16_t)(new - signalled_used) < (uint16_t)(new - old), at this queue's index width.
    const half = (this.mask + 1) >> 1;
    const d = (next - this.signalledUsed) & this.mask;
    if ((d >= half ? d - this.mask - 1 : d) < ((next - old) & this.mask)) this.signalledUsedValid = false;
  }

  /**
   * `virtio_split_should_notify` (§2.7.7.2, NOTIF-DEV-2/4). The full barrier orders the
   * used.idx store before the used_event/flags load: without it the load can pass the
   * store (TSO), the device reads a stale used_event, and an interrupt is lost (BZ-KVT-01).
   */
  *shouldNotify(fenceKind: 'full' | 'wmb'): Process<boolean> {
    const q = this.index;
    yield fence(fenceKind, this.sites.mb_before_used_event);
    if (!this.eventIdx()) {
      const flags = yield load(splitRing.availFlags(this.avail), 2, this.sites.load_avail_flags);
      return (flags & VIRTQ_AVAIL_F_NO_INTERRUPT) === 0; // NOTIF-DEV-2
    }
    const v = this.signalledUsedValid;
    this.signalledUsedValid = true;
    const old = this.signalledUsed;
    const next = (this.signalledUsed = this.usedIdx);
    if (this.quirks.honourAvailFlagsUnderEventIdx) {
      // The slip: the flag still counts under EVENT_IDX (NOTIF-DEV-3 says ignore it).
      const flags = yield load(splitRing.availFlags(this.avail), 2, this.sites.load_avail_flags);
      if (flags & VIRTQ_AVAIL_F_NO_INTERRUPT) return false;
    }
    const usedEvent = yield load(splitRing.usedEvent(this.avail, this.num), 2, this.sites.load_used_event);
    if (this.quirks.needEventOffByOne) return !v || ((next - usedEvent) & this.mask) < ((next - old) & this.mask); // the mutant: no −1
    return !v || vringNeedEvent(usedEvent, next, old, this.width); // NOTIF-DEV-4
  }

  /**
   * `virtio_queue_set_notification`: ask for (or stop) kicks. With EVENT_IDX, avail_event =
   * avail.idx; otherwise the NO_NOTIFY flag. Enabling ends with a full barrier so the
   * caller's re-check of avail.idx cannot pass the store (NOTIF-DEV-8).
   */
  *setNotification(enable: boolean): Process {
    const q = this.index;
    if (this.eventIdx()) {
      const availIdx = yield load(splitRing.availIdx(this.avail), 2, this.sites.load_avail_idx);
      yield store(splitRing.availEvent(this.used, this.num), 2, availIdx, this.sites.store_avail_event);
    } else {
      const noNotify = this.quirks.usedFlagAsBitNumber ? 1 << VIRTQ_USED_F_NO_NOTIFY : VIRTQ_USED_F_NO_NOTIFY; // the slip stores 2 (NOTIF-DEV-5)
      yield store(splitRing.usedFlags(this.used), 2, enable ? 0 : noNotify, this.sites.store_used_flags);
    }
    if (enable) yield fence('full', this.sites.mb_after_enable_notification);
  }
}
