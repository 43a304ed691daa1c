// Guest physical memory: little-endian, byte-addressable, bounds-checked. An access
// outside it is a fault of whoever made it (a wild ring address), never a kernel crash.

import type { AccessSize, Memory } from '../kernel/index.ts';

export class GuestMemory implements Memory {
  private readonly view: DataView;
  private readonly bytes: Uint8Array;
  constructor(readonly size: number) {
    const buffer = new ArrayBuffer(size);
    this.view = new DataView(buffer);
    this.bytes = new Uint8Array(buffer);
  }

  private check(addr: number, size: number): void {
    if (!(addr >= 0 && addr + size <= this.size) || !Number.isInteger(addr)) {
      throw new RangeError(`guest memory access of ${size} bytes at 0x${addr.toString(16)} is outside 0..0x${this.size.toString(16)}`);
    }
  }

  read(addr: number, size: AccessSize): number {
    this.check(addr, size);
    const v = this.view;
    switch (size) {
      case 1: return v.getUint8(addr);
      case 2: return v.getUint16(addr, true);
      case 4: return v.getUint32(addr, true);
      default: return v.getUint32(addr, true) + v.getUint32(addr + 4, true) * 0x1_0000_0000;
    }
  }

  /** Set `size` bytes at `addr` to `byte` (one call where a byte loop would check every address). */
  fill(addr: number, size: number, byte: number): void {
    this.check(addr, size);
    this.bytes.fill(byte, addr, addr + size);
  }

  write(addr: number, size: AccessSize, value: number): void {
    this.check(addr, size);
    const v = this.view;
    switch (size) {
      case 1: v.setUint8(addr, value); break;
      case 2: v.setUint16(addr, value, true); break;
      case 4: v.setUint32(addr, value, true); break;
      default:
        v.setUint32(addr, value >>> 0, true);
        v.setUint32(addr + 4, Math.floor(value / 0x1_0000_0000) >>> 0, true);
    }
  }
}

/** A bump allocator for the driver's DMA memory (rings, buffers), zeroed as the spec asks. */
export class DmaAllocator {
  private next: number;
  constructor(readonly memory: GuestMemory, base = 0x1000) {
    this.next = base;
  }
  /** `size` zeroed bytes aligned to `align` (a power of 2); `zero` false: as they are (the NOTIF-DRV-4 mutant's allocation). */
  alloc(size: number, align: number, zero = true): number {
    const addr = Math.ceil(this.next / align) * align;
    if (addr + size > this.memory.size) throw new RangeError(`out of guest memory allocating ${size} bytes`);
    this.next = addr + size;
    if (zero) this.memory.fill(addr, size, 0); // allocate and zero (NOTIF-DRV-4)
    return addr;
  }
}
