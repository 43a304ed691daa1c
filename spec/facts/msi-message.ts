// The x86 MSI message format (Intel SDM vol. 3, §11.11 "Message Signalled Interrupts"): what
// a device writes to raise an interrupt. Address 0xFEE00000 | (destination APIC id << 12),
// data = the vector (0x20–0xFF; 0x00–0x1F are exceptions). Physical destination, fixed
// delivery, edge trigger: the other fields stay 0.

/** The MSI address window: bits 31–20 are 0xFEE. @public */
export const MSI_ADDR_BASE = 0xfee00000;
export const MSI_ADDR_MASK = 0xfff00000;
/** Lowest and highest vector a device may use (below 0x20: CPU exceptions). */
export const MSI_VECTOR_MIN = 0x20;
export const MSI_VECTOR_MAX = 0xff;

/** A message as the device holds it (PCI: Message Address low/high, Message Data). */
export interface MsiMessage {
  readonly addrLo: number;
  readonly addrHi: number;
  readonly data: number;
}

/**
 * Compose the message for `vector` on the CPU with APIC id `dest`.
 * @example msiCompose(1, 0x22) // { addrLo: 0xfee01000, addrHi: 0, data: 0x22 }
 */
export function msiCompose(dest: number, vector: number): MsiMessage {
  return { addrLo: (MSI_ADDR_BASE | ((dest & 0xff) << 12)) >>> 0, addrHi: 0, data: vector & 0xff };
}

/** Where a message goes, or why it goes nowhere (a malformed address or an exception vector). */
export type MsiTarget = { readonly ok: true; readonly dest: number; readonly vector: number } | { readonly ok: false; readonly reason: string };

/**
 * Decode a 64-bit message address (as two words) and its data.
 * @example msiDecode(0xfee01000, 0, 0x22) // { ok: true, dest: 1, vector: 0x22 }
 */
export function msiDecode(addrLo: number, addrHi: number, data: number): MsiTarget {
  if (addrHi !== 0 || ((addrLo & MSI_ADDR_MASK) >>> 0) !== MSI_ADDR_BASE) {
    return { ok: false, reason: `address 0x${addrHi ? addrHi.toString(16) + '_' : ''}${(addrLo >>> 0).toString(16)} is outside the 0xFEExxxxx window` };
  }
  const vector = data & 0xff;
  if (vector < MSI_VECTOR_MIN) return { ok: false, reason: `vector 0x${vector.toString(16)} is an exception vector` };
  return { ok: true, dest: (addrLo >>> 12) & 0xff, vector };
}

/** Two messages are the same message (all three words). */
export function msiEqual(a: MsiMessage, b: MsiMessage): boolean {
  return a.addrLo === b.addrLo && a.addrHi === b.addrHi && a.data === b.data;
}

export function msiText(m: MsiMessage): string {
  const t = msiDecode(m.addrLo, m.addrHi, m.data);
  return t.ok ? `(cpu${t.dest}, 0x${t.vector.toString(16)})` : `(0x${(m.addrLo >>> 0).toString(16)}/0x${m.data.toString(16)}: ${t.reason})`;
}
