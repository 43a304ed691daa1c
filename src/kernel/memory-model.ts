// Memory models: sequentially consistent, or x86-TSO (Owens, Sarkar, Sewell 2009): a FIFO
// store buffer per process; a load reads its own buffer first; the kernel chooses when the
// oldest buffered store becomes visible; a full fence or a locked op drains the buffer.
// 'pso' (SPARC partial store order) also lets a store to another address pass older ones,
// unless a write barrier (`wmb`, Linux smp_wmb) stands between them: the store-store
// reordering of weaker machines (Arm, POWER) that virtio's write barriers exist for. Loads
// stay in order (no load-load reordering: `rmb` is not modelled).

import type { AccessSize } from './effects.ts';

export type MemoryModelName = 'sc' | 'tso' | 'pso';

/** What the kernel needs of guest memory: little-endian reads and writes of 1–8 bytes. */
export interface Memory {
  read(addr: number, size: AccessSize): number;
  write(addr: number, size: AccessSize, value: number): void;
}

export interface BufferedStore {
  readonly addr: number;
  readonly size: AccessSize;
  readonly value: number;
}

export class StoreBuffer {
  readonly entries: BufferedStore[] = [];
  /** PSO: the write-barrier epoch of each entry (entries of one epoch may pass each other). */
  readonly epochs: number[] = [];
  private epoch = 0;

  get length(): number {
    return this.entries.length;
  }

  /** Buffer a store (the store effect itself serves as the entry: it is immutable data). */
  push(store: BufferedStore): void {
    this.entries.push(store);
    this.epochs.push(this.epoch);
  }

  /** PSO `wmb`: stores buffered from now on may not pass those buffered before. */
  barrier(): void {
    if (this.entries.length > 0) this.epoch++;
  }

  /** Oldest entry leaves the buffer (the caller writes it to memory). */
  shift(): BufferedStore {
    const e = this.entries.shift();
    if (!e) throw new Error('[kernel bug] flush of an empty store buffer');
    this.epochs.shift();
    return e;
  }

  /**
   * PSO: the newest entry that may become visible before every older one — same barrier
   * epoch as the oldest, and no older entry touching its bytes (a location's stores stay in
   * order). −1 when there is none. One such choice per buffer keeps the branching small;
   * repeated, it reaches the message-passing reorderings (a flag before its data).
   */
  reorderable(): number {
    const { entries, epochs } = this;
    if (entries.length < 2) return -1;
    const head = epochs[0]!;
    for (let j = entries.length - 1; j >= 1; j--) {
      if (epochs[j] !== head) continue;
      const e = entries[j]!;
      let clash = false;
      for (let i = 0; i < j && !clash; i++) {
        const o = entries[i]!;
        clash = o.addr < e.addr + e.size && e.addr < o.addr + o.size;
      }
      if (!clash) return j;
    }
    return -1;
  }

  /** PSO: entry `j` leaves the buffer ahead of older ones (see `reorderable`). */
  takeAt(j: number): BufferedStore {
    const [e] = this.entries.splice(j, 1);
    if (!e) throw new Error('[kernel bug] reordered flush of a missing entry');
    this.epochs.splice(j, 1);
    return e;
  }

  /** A load sees its own buffered stores (store forwarding), newest first. */
  forward(memory: Memory, addr: number, size: AccessSize): number {
    const entries = this.entries;
    let partial = false;
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i]!;
      if (e.addr === addr && e.size === size) return e.value;
      if (e.addr < addr + size && addr < e.addr + e.size) partial = true;
    }
    if (!partial) return memory.read(addr, size);
    return overlay(memory, entries, addr, size);
  }
}

/** Byte-wise merge of memory and the overlapping buffered stores, oldest to newest. */
function overlay(memory: Memory, entries: readonly BufferedStore[], addr: number, size: AccessSize): number {
  const bytes: number[] = [];
  for (let i = 0; i < size; i++) bytes.push(memory.read(addr + i, 1));
  for (const e of entries) {
    for (let i = 0; i < e.size; i++) {
      const a = e.addr + i;
      if (a >= addr && a < addr + size) bytes[a - addr] = Math.floor(e.value / 2 ** (8 * i)) & 0xff;
    }
  }
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + bytes[i]!;
  return v;
}
