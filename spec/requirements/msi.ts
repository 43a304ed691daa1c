// MMIO MSI requirements — NOT in any virtio spec: from the 2020 virtio-mmio MSI proposal
// (spec-patch v2 2020-01-21 4/5 and 5/5, spec-notes §6.3), paraphrased, plus the update
// rule the review asked for (§6.4, MST 2020-01-05; PCIe r5.0 §6.1.4.5 via spec-notes §5.3).
// It never had a spec section: `section` gives the spec-notes.md section and the patch.
import type { Requirement } from './types.ts';

/** MMIO-MSI-DEV-1..3 and MMIO-MSI-DRV-1..2 (proposal, 2020). */
export const MSI_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'MMIO-MSI-DEV-1', section: '6.3 spec-notes, proposal v2 4/5', area: 'msi', role: 'device', level: 'MUST',
    text: 'With MSI enabled, do not set InterruptStatus and ignore InterruptACK; without it, send no message (signal by the line).',
    properties: ['P-ROUTE'],
  },
  {
    id: 'MMIO-MSI-DEV-2', section: '6.3 spec-notes, proposal v2 5/5', area: 'msi', role: 'device', level: 'MUST',
    text: 'Support unmapping: an event mapped to NO_VECTOR (0xffffffff) raises no interrupt.',
    properties: ['P-ROUTE'],
  },
  {
    id: 'MMIO-MSI-DEV-3', section: '6.3 spec-notes, proposal v2 5/5', area: 'msi', role: 'device', level: 'SHOULD',
    text: 'Allow any event on any vector (sharing mode), and signal each event on the vector it is mapped to.',
    properties: ['P-ROUTE'],
  },
  {
    id: 'MMIO-MSI-DRV-1', section: '6.3 spec-notes, proposal v2 4/5', area: 'msi', role: 'driver', level: 'SHOULD',
    text: 'Program a vector by MsiVecSel, then MsiAddrLow, MsiAddrHigh, MsiData, then CONFIGURE; the device must never send a mix of two such programmings.',
    properties: ['P-ROUTE'],
  },
  {
    id: 'MMIO-MSI-DRV-2', section: '6.3 spec-notes, proposal v2 4/5', area: 'msi', role: 'driver', level: 'MUST NOT',
    text: 'With MSI enabled, neither read InterruptStatus nor write InterruptACK.',
    properties: ['P-ROUTE'],
  },
];
