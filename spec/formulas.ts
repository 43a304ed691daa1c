// Arithmetic the spec gives: ring indices modulo 2^width and the event-index test
// `vring_need_event` (§2.7.7.2, §2.7.10; spec `virtq_need_event`, Linux `vring_need_event`).

/** Reduce an index to `width` bits (16 for conformance; 2–4 to make wrap-around reachable). */
export function wrapIndex(value: number, width = 16): number {
  return value & ((1 << width) - 1);
}

/**
 * True iff `eventIdx` lies in the half-open window [old, new) modulo 2^width, i.e. one of
 * the entries just published sat at `eventIdx` and the other side asked to be told.
 *
 * @example
 * vringNeedEvent(0, 1, 0) // true: the first entry was the one asked for
 * vringNeedEvent(0xffff, 0, 0xffff) // true, across the wrap
 * vringNeedEvent(3, 3, 3) // false: no progress
 */
export function vringNeedEvent(eventIdx: number, newIdx: number, oldIdx: number, width = 16): boolean {
  const mask = (1 << width) - 1;
  return ((newIdx - eventIdx - 1) & mask) < ((newIdx - oldIdx) & mask);
}

/** Distance from `from` forward to `to` modulo 2^width (how many entries lie between). */
export function indexDistance(from: number, to: number, width = 16): number {
  return (to - from) & ((1 << width) - 1);
}
