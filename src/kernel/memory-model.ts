// Memory models: sequentially consistent, or x86-TSO (Owens, Sarkar, Sewell 2009): a FIFO
// store buffer per process; a load reads its own buffer first; the kernel chooses when the
// oldest buffered store becomes visible; a full fence or a locked op drains the buffer.

import type { AccessSize } from './effects.ts';

export type MemoryModelName = 'sc' | 'tso';

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

  get length(): number {
    return this.entries.length;
  }

  /** Buffer a store (the store effect itself serves as the entry: it is immutable data). */
  push(store: BufferedStore): void {
    this.entries.push(store);
  }

  /** Oldest entry leaves the buffer (the caller writes it to memory). */
  shift(): BufferedStore {
    const e = this.entries.shift();
    if (!e) throw new Error('[kernel bug] flush of an empty store buffer');
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
