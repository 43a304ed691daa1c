// Driver side of a split virtqueue, after Linux drivers/virtio/virtio_ring.c: add,
// kick_prepare, get_buf, disable_cb, enable_cb_prepare + poll, vring_interrupt. §2.7.13, §2.7.14.

import { type Process, fence, load, note, store } from '../kernel/index.ts';
import { splitRing, VIRTQ_AVAIL_F_NO_INTERRUPT, VIRTQ_USED_F_NO_NOTIFY, VIRTQ_DESC_F } from '../../spec/facts/split-ring-layout.ts';
import { vringNeedEvent } from '../../spec/formulas.ts';
import { type DriverQuirks, REFERENCE_DRIVER } from './quirks.ts';

export interface VringLayout {
  readonly num: number;
  readonly desc: number;
  readonly avail: number;
  readonly used: number;
}

const VRING_SITES = ['load_avail_event', 'load_avail_flags', 'load_used_flags', 'load_used_id', 'load_used_idx', 'mb_after_used_event', 'mb_before_kick_check', 'mb_before_poll', 'rmb_after_used_idx', 'store_avail_flags', 'store_avail_idx', 'store_avail_ring', 'store_desc_addr', 'store_desc_flags', 'store_desc_len', 'store_used_event', 'store_used_event_off', 'wmb_before_avail_idx', 'detach_store_avail_idx'] as const;

/** Effect sites, built once per queue (they label every effect; no string work per step). */
const vringSiteCache: Record<(typeof VRING_SITES)[number], string>[] = [];
function vringSites(q: number): Record<(typeof VRING_SITES)[number], string> {
  return (vringSiteCache[q] ??= Object.fromEntries(VRING_SITES.map((n) => [n, `drv.vq${q}.${n}`])) as Record<(typeof VRING_SITES)[number], string>);
}

export class Vring {
  /** Driver-private state (`struct vring_virtqueue`). */
  freeHead = 0;
  numFree: number;
  availIdxShadow = 0;
  availFlagsShadow = 0;
  lastUsedIdx = 0;
  numAdded = 0;
  eventTriggered = false;
  readonly tokens: (number | undefined)[];
  readonly next: number[];
  readonly mask: number;
  readonly width: number;
  /** The interruptMeansUsed mutant: notifications taken as completed buffers and not yet consumed. */
  private trustedNotifications = 0;
  /** The callback `vring_interrupt` runs (`skb_recv_done`, `skb_xmit_done`). */
  callback: ((cpu: number) => Process) | undefined;

  readonly sites: Record<(typeof VRING_SITES)[number], string>;

  constructor(readonly index: number, readonly layout: VringLayout, readonly eventIdx: boolean, width: number,
    private readonly quirks: DriverQuirks = REFERENCE_DRIVER) {
    this.sites = vringSites(index);
    this.numFree = layout.num;
    this.tokens = new Array(layout.num).fill(undefined);
    this.next = Array.from({ length: layout.num }, (_, i) => i + 1);
    this.width = width;
    this.mask = (1 << width) - 1;
  }

  /**
   * `vring_create_virtqueue` with no callback (the net control queue): "No callback? Tell
   * other side not to bother us" — NO_INTERRUPT in the shadow; in memory only without EVENT_IDX
   * (with it, used_event stays where it is and the flag MUST stay 0, NOTIF-DRV-2).
   */
  *noCallback(): Process {
    this.availFlagsShadow |= VIRTQ_AVAIL_F_NO_INTERRUPT;
    if (!this.eventIdx) yield store(splitRing.availFlags(this.layout.avail), 2, this.availFlagsInMemory(), this.sites.store_avail_flags);
  }

  /** `virtqueue_add_split` with one buffer: descriptor, ring entry, barrier, then avail.idx (§2.7.13). */
  *add(addr: number, len: number, writable: boolean, token: number): Process<boolean> {
    const { num, desc, avail } = this.layout;
    const q = this.index;
    if (this.numFree === 0) return false;
    const head = this.freeHead;
    this.freeHead = this.next[head]!;
    this.numFree--;
    this.tokens[head] = token;
    const d = splitRing.descAddr(desc, head);
    yield store(d, 8, addr, this.sites.store_desc_addr);
    yield store(d + 8, 4, len, this.sites.store_desc_len);
    yield store(d + 12, 2, writable ? VIRTQ_DESC_F.WRITE : 0, this.sites.store_desc_flags);
    yield store(splitRing.availRing(avail, num, this.availIdxShadow), 2, head, this.sites.store_avail_ring);
    // NOTIF-DRV-7: descriptor and ring entry must be visible before the idx that publishes them.
    if (!this.quirks.noWmbBeforeAvailIdx) yield fence('wmb', this.sites.wmb_before_avail_idx);
    this.availIdxShadow = (this.availIdxShadow + 1) & this.mask;
    yield store(splitRing.availIdx(avail), 2, this.availIdxShadow, this.sites.store_avail_idx);
    yield note('drv.addAvail', { q, head, availIdx: this.availIdxShadow });
    this.numAdded++;
    return true;
  }

  /**
   * `virtqueue_kick_prepare_split`. The full barrier (NOTIF-DRV-8) orders the avail.idx
   * store before the avail_event / used.flags load; without it the driver can read a stale
   * "don't kick" while the device goes to sleep having seen the old index: a lost kick.
   */
  *kickPrepare(): Process<boolean> {
    const { num, used } = this.layout;
    const q = this.index;
    yield fence(this.quirks.kickFence, this.sites.mb_before_kick_check);
    const newIdx = this.availIdxShadow;
    const oldIdx = (newIdx - this.numAdded) & this.mask;
    this.numAdded = 0;
    let needsKick: boolean;
    if (this.eventIdx) {
      const availEvent = yield load(splitRing.availEvent(used, num), 2, this.sites.load_avail_event);
      needsKick = this.quirks.kickNeedEventOffByOne
        ? ((newIdx - availEvent) & this.mask) < ((newIdx - oldIdx) & this.mask) // the slip: no −1
        : vringNeedEvent(availEvent, newIdx, oldIdx, this.width); // NOTIF-DRV-6
    } else if (this.quirks.kickReadsAvailFlags) {
      // QEMU libqos qvirtqueue_kick: `flags = readw(vq->avail)` tested against VRING_USED_F_NO_NOTIFY.
      const flags = yield load(splitRing.availFlags(this.layout.avail), 2, this.sites.load_avail_flags);
      needsKick = (flags & VIRTQ_USED_F_NO_NOTIFY) === 0;
    } else {
      const flags = yield load(splitRing.usedFlags(used), 2, this.sites.load_used_flags);
      needsKick = (flags & VIRTQ_USED_F_NO_NOTIFY) === 0; // NOTIF-DRV-5
    }
    yield note('drv.kickPrepare', { q, oldIdx, newIdx, needsKick });
    return needsKick;
  }

  /** `more_used_split`: the device has published entries the driver has not consumed. */
  *moreUsed(): Process<boolean> {
    const usedIdx = yield load(splitRing.usedIdx(this.layout.used), 2, this.sites.load_used_idx);
    return usedIdx !== this.lastUsedIdx;
  }

  /** `virtqueue_get_buf_ctx_split`: the next used buffer's token, or undefined. */
  *getBuf(): Process<number | undefined> {
    const { num, used, avail } = this.layout;
    const q = this.index;
    if (this.quirks.interruptMeansUsed && this.trustedNotifications > 0) {
      this.trustedNotifications--; // the mutant: the notification "was" the buffer — used.idx is not read (NOTIF-DRV-3)
    } else {
      if (!(yield* this.moreUsed())) return undefined;
      yield fence('rmb', this.sites.rmb_after_used_idx); // read the entry only after the idx that published it
    }
    const id = yield load(splitRing.usedElemId(used, num, this.lastUsedIdx), 4, this.sites.load_used_id);
    if (id >= num || this.tokens[id] === undefined) throw new Error(`vq${q}: used id ${id} is not a head in use`);
    const token = this.tokens[id]!;
    this.tokens[id] = undefined;
    this.next[id] = this.freeHead;
    this.freeHead = id;
    this.numFree++;
    this.lastUsedIdx = (this.lastUsedIdx + 1) & this.mask;
    yield note('drv.getUsed', { q, head: id, lastUsed: this.lastUsedIdx });
    if (!(this.availFlagsShadow & VIRTQ_AVAIL_F_NO_INTERRUPT)) {
      // "If we expect an interrupt for the next entry, tell host by writing event index and
      // flush out the write before the read in the next get_buf call" (virtio_store_mb).
      yield store(splitRing.usedEvent(avail, num), 2, this.lastUsedIdx, this.sites.store_used_event);
      yield fence('full', this.sites.mb_after_used_event);
    }
    return token;
  }

  /** avail.flags as stored: the shadow (NOTIF-DRV-1: 0 or 1); the slip shifts 1 by the flag's value, storing 2. */
  private availFlagsInMemory(): number {
    if (!this.quirks.availFlagAsBitNumber) return this.availFlagsShadow;
    return this.availFlagsShadow & VIRTQ_AVAIL_F_NO_INTERRUPT ? 1 << VIRTQ_AVAIL_F_NO_INTERRUPT : 0;
  }

  /** `virtqueue_disable_cb_split`: best-effort "no interrupts, please" (§2.7.7.1). */
  *disableCb(): Process {
    const { num, avail } = this.layout;
    if (this.availFlagsShadow & VIRTQ_AVAIL_F_NO_INTERRUPT) return;
    this.availFlagsShadow |= VIRTQ_AVAIL_F_NO_INTERRUPT;
    if (this.eventTriggered) return; // the device already fired; it will not fire again
    // The avail flag under EVENT_IDX is the pre-2017 Linux mutant (NOTIF-DRV-2).
    if (this.eventIdx && !this.quirks.availFlagUnderEventIdx) yield store(splitRing.usedEvent(avail, num), 2, 0, this.sites.store_used_event_off);
    else yield store(splitRing.availFlags(avail), 2, this.availFlagsInMemory(), this.sites.store_avail_flags);
  }

  /**
   * `virtqueue_enable_cb_prepare_split`: re-enable callbacks and ask for the next entry
   * (used_event = last_used); returns the token `poll` re-checks against.
   */
  *enableCbPrepare(): Process<number> {
    const { num, avail } = this.layout;
    const q = this.index;
    this.eventTriggered = false;
    if (this.availFlagsShadow & VIRTQ_AVAIL_F_NO_INTERRUPT) {
      this.availFlagsShadow &= ~VIRTQ_AVAIL_F_NO_INTERRUPT;
      if (!this.eventIdx) yield store(splitRing.availFlags(avail), 2, this.availFlagsInMemory(), this.sites.store_avail_flags);
    }
    const lastUsed = this.lastUsedIdx;
    yield store(splitRing.usedEvent(avail, num), 2, lastUsed, this.sites.store_used_event);
    yield note('drv.enableCb', { q, usedEvent: lastUsed });
    return lastUsed;
  }

  /**
   * `virtqueue_enable_cb_delayed_split`: re-enable callbacks but ask to be told only after
   * 3/4 of the outstanding buffers are used (used_event = last_used + bufs), then check —
   * after a full barrier (virtio_store_mb), for the reason `poll` has one — whether that
   * many are used already: false means "more got used, poll instead of waiting".
   */
  *enableCbDelayed(): Process<boolean> {
    const { num, avail, used } = this.layout;
    const q = this.index;
    this.eventTriggered = false;
    if (this.availFlagsShadow & VIRTQ_AVAIL_F_NO_INTERRUPT) {
      this.availFlagsShadow &= ~VIRTQ_AVAIL_F_NO_INTERRUPT;
      if (!this.eventIdx) yield store(splitRing.availFlags(avail), 2, this.availFlagsInMemory(), this.sites.store_avail_flags);
    }
    const bufs = Math.floor((((this.availIdxShadow - this.lastUsedIdx) & this.mask) * 3) / 4); // "TODO: tune this threshold"
    const usedEvent = (this.lastUsedIdx + bufs) & this.mask;
    yield store(splitRing.usedEvent(avail, num), 2, usedEvent, this.sites.store_used_event);
    yield fence(this.quirks.pollFence, this.sites.mb_after_used_event);
    const usedIdx = yield load(splitRing.usedIdx(used), 2, this.sites.load_used_idx);
    yield note('drv.enableCbDelayed', { q, usedEvent });
    return ((usedIdx - this.lastUsedIdx) & this.mask) <= bufs;
  }

  /**
   * `virtqueue_poll`: the full barrier orders the used_event store before the used.idx load
   * (NOTIF-DRV-9); without it the driver can miss an entry the device published while it
   * read the old used_event and so did not interrupt.
   */
  *poll(token: number): Process<boolean> {
    const q = this.index;
    yield fence(this.quirks.pollFence, this.sites.mb_before_poll);
    const usedIdx = yield load(splitRing.usedIdx(this.layout.used), 2, this.sites.load_used_idx);
    return usedIdx !== token;
  }

  /**
   * `virtqueue_detach_unused_buf_split`: take back one buffer the device has not been seen
   * to use — "detach_buf_split clears data, so grab it now" — and un-publish it:
   * `avail_idx_shadow--; vring.avail->idx = avail_idx_shadow`. That store alters the ring
   * of a live queue unless the device was reset first (§3.3.1, STATUS-DRV-13).
   */
  *detachUnusedBuf(): Process<number | undefined> {
    const head = this.tokens.findIndex((t) => t !== undefined);
    if (head < 0) return undefined;
    const token = this.tokens[head]!;
    this.tokens[head] = undefined;
    this.next[head] = this.freeHead;
    this.freeHead = head;
    this.numFree++;
    this.availIdxShadow = (this.availIdxShadow - 1) & this.mask;
    yield store(splitRing.availIdx(this.layout.avail), 2, this.availIdxShadow, this.sites.detach_store_avail_idx);
    yield note('drv.detachUnused', { q: this.index, head, availIdx: this.availIdxShadow });
    return token;
  }

  /** `vring_interrupt`: spurious calls are cheap (IRQ_NONE); otherwise run the callback. */
  *interrupt(cpu: number): Process<boolean> {
    if (this.quirks.interruptMeansUsed) this.trustedNotifications++; // the mutant: no more_used check, one notification = one buffer
    else if (!(yield* this.moreUsed())) return false;
    if (this.eventIdx) this.eventTriggered = true;
    yield note('drv.vringInterrupt', { q: this.index });
    if (this.callback) yield* this.callback(cpu);
    return true;
  }
}
