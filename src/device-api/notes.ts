// The semantic notes the oracles read from a device, as typed calls: one place that says
// which note each property needs and with which fields (docs/device-api.md has the table).

import type { NoteData, NoteEffect } from '../kernel/index.ts';
import { note } from '../kernel/index.ts';

/**
 * Typed builders for the device notes the oracles read. Each returns the note's data; use
 * `platform.note(name, data)` inside a handler or `yield note(name, data)` in a generator —
 * or the `*Effect` forms below.
 * @example
 * platform.note(...DeviceNotes.status(0x0f));        // in a Status write handler
 * yield DeviceNotes.effect(DeviceNotes.backlog(0, 3)); // in a device thread
 * @public
 */
export const DeviceNotes = {
  /** The Status register now holds `value` (P-STATUS). Emit after each accepted write. */
  status: (value: number): [string, NoteData] => ['dev.status', { value }],
  /** FEATURES_OK validated: accepted or refused, with the driver's features (P-FEAT, P-MQ, ring view: EVENT_IDX). */
  featuresOk: (accepted: boolean, features: bigint): [string, NoteData] =>
    ['dev.featuresOk', { accepted, lo: Number(features & 0xffffffffn), hi: Number(features >> 32n) }],
  /** Legacy (no VERSION_1): the driver's feature write is in force at once. */
  features: (features: bigint): [string, NoteData] => ['dev.features', { lo: Number(features & 0xffffffffn), hi: Number(features >> 32n) }],
  /** QueueReady written (or legacy QueuePFN): where the rings are (every ring oracle). */
  queueReady: (q: number, ready: boolean, ring: { num: number; desc: number; avail: number; used: number; width: number }): [string, NoteData] =>
    ['dev.queueReady', { q, ready, ...ring }],
  /** InterruptStatus is now `value`; `set` = bits this event set (0 for an ACK or reset), for queue `q` (−1 none) on device `line` (−1 all). P-ISR, P-STATUS, P-IRQ-MUST. */
  isr: (value: number, set: number, q: number, line: number): [string, NoteData] => ['dev.isr', { value, set, q, line }],
  /** The device went live after DRIVER_OK (P-STATUS, P-QUIESCE). */
  activate: (): [string, NoteData] => ['dev.activate', {}],
  /** Reset done: status, queues and InterruptStatus cleared (P-STATUS, P-QUIESCE, ring view). */
  reset: (): [string, NoteData] => ['dev.reset', {}],
  /** Packets waiting in the backend for receive queue `q` (P-QUIESCE: an rx queue without buffers used is not a lost kick while n = 0). */
  backlog: (q: number, n: number): [string, NoteData] => ['dev.backlog', { q, n }],
  /** A config change (P-CFG); then raise the CONFIG interrupt. */
  configChange: (status: number, generation: number): [string, NoteData] => ['dev.configChange', { status, generation }],
  /** A packet received into vq `q` / transmitted from vq `q` (P-MQ). */
  rxPacket: (q: number, seq: number): [string, NoteData] => ['dev.rxPacket', { q, seq }],
  txPacket: (q: number, seq: number): [string, NoteData] => ['dev.txPacket', { q, seq }],
  /** The ring helper emits these two (P-STATUS, P-QUIESCE, P-WRAP, P-MQ). */
  popAvail: (q: number, head: number, nextAvail: number): [string, NoteData] => ['dev.popAvail', { q, head, nextAvail }],
  pushUsed: (q: number, head: number, usedIdx: number): [string, NoteData] => ['dev.pushUsed', { q, head, usedIdx }],
  /** A note as an effect, for `yield` in a generator. */
  effect: ([name, data]: [string, NoteData]): NoteEffect => note(name, data),
} as const;
