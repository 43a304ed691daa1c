// virtio-pci baseline requirements: virtio v1.4 §4.1.4.3 (common config), §4.1.4.5 (ISR),
// §4.1.5.1.2 (MSI-X vectors) and §4.1.5.3–4.1.5.5 (notifications and interrupt handling).
import type { Requirement } from './types.ts';

/** PCI-DEV-1..11 and PCI-DRV-1..7. */
export const PCI_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'PCI-DEV-1', section: '4.1.5.1.2.1', area: 'pci', role: 'device', level: 'SHOULD',
    text: 'With MSI-X, support 2 to 0x800 vectors, report the count in Table Size (as N−1) and keep it modest.',
    properties: [],
  },
  {
    id: 'PCI-DEV-2', section: '4.1.5.1.2.1', area: 'pci', role: 'device', level: 'MUST',
    text: 'Allow any event to be mapped to any valid vector, and allow unmapping.',
    properties: ['P-ROUTE'],
  },
  {
    id: 'PCI-DEV-3', section: '4.1.5.1.2.1', area: 'pci', role: 'device', level: 'MUST',
    text: 'Reading config_msix_vector or queue_msix_vector returns the mapped vector, or NO_VECTOR when unmapped.',
    properties: [],
  },
  {
    id: 'PCI-DEV-4', section: '4.1.5.1.2.1', area: 'pci', role: 'device', level: 'MUST',
    text: 'After reset, every queue and config event is unmapped (NO_VECTOR).',
    properties: ['P-ROUTE'],
  },
  {
    id: 'PCI-DEV-5', section: '4.1.5.1.2.1', area: 'pci', role: 'device', level: 'SHOULD NOT / MUST',
    text: 'Refuse a mapping only when it truly cannot be done; a refused mapping reads back as NO_VECTOR.',
    properties: [],
  },
  {
    id: 'PCI-DEV-6', section: '4.1.5.3.1', area: 'pci', role: 'device', level: 'MUST NOT',
    text: 'With MSI-X enabled, raise no interrupt for a queue whose vector is NO_VECTOR.',
    properties: ['P-ROUTE'],
  },
  {
    id: 'PCI-DEV-7', section: '4.1.5.4.1', area: 'pci', role: 'device', level: 'MUST NOT',
    text: 'With MSI-X enabled and config_msix_vector set to NO_VECTOR, raise no config interrupt.',
    properties: ['P-ROUTE'],
  },
  {
    id: 'PCI-DEV-8', section: '4.1.4.5.1', area: 'pci', role: 'device', level: 'MUST',
    text: 'Set ISR bit 1 before a config-change notification and, with MSI-X disabled, ISR bit 0 before a queue notification.',
    properties: [],
  },
  {
    id: 'PCI-DEV-9', section: '4.1.4.5.1', area: 'pci', role: 'device', level: 'MUST',
    text: 'With MSI-X disabled, PCI Interrupt Status equals the OR of the ISR bits and INTx follows it unless masked.',
    properties: [],
  },
  {
    id: 'PCI-DEV-10', section: '4.1.4.5.1', area: 'pci', role: 'device', level: 'MUST',
    text: 'A driver read of the ISR resets it to 0.',
    properties: [],
  },
  {
    id: 'PCI-DEV-11', section: '4.1.4.3.1', area: 'pci', role: 'device', level: 'MUST',
    text: 'Reset when device_status is written 0, present 0 when done, and read queue_enable as 0 afterwards.',
    properties: [],
  },
  {
    id: 'PCI-DRV-1', section: '4.1.5.1.2.2', area: 'pci', role: 'driver', level: 'MUST / MAY',
    text: 'Cope with any Table Size from 0 to 0x7FF; may fall back to INTx with one vector and may treat Table Size as a hint.',
    properties: [],
  },
  {
    id: 'PCI-DRV-2', section: '4.1.5.1.2.2', area: 'pci', role: 'driver', level: 'MUST NOT',
    text: 'Map no event to a vector beyond Table Size.',
    properties: [],
  },
  {
    id: 'PCI-DRV-3', section: '4.1.5.1.2.2', area: 'pci', role: 'driver', level: 'MUST / MAY',
    text: 'Read back each vector written: the same value means success, NO_VECTOR failure, after which fewer vectors, INTx or giving up are allowed.',
    properties: [],
  },
  {
    id: 'PCI-DRV-4', section: '4.1.4.5.2', area: 'pci', role: 'driver', level: 'SHOULD NOT',
    text: 'With MSI-X enabled, do not read the ISR on a queue interrupt, as the read has side effects.',
    properties: ['P-ROUTE'],
  },
  {
    id: 'PCI-DRV-5', section: '4.1.5.4.2', area: 'pci', role: 'driver', level: 'MUST',
    text: 'Handle a single interrupt that signals both a config change and used buffers.',
    properties: [],
  },
  {
    id: 'PCI-DRV-6', section: '4.1.4.3.2', area: 'pci', role: 'driver', level: 'MUST / MUST NOT',
    text: 'Configure the other queue fields before queue_enable, never write 0 to queue_enable, and wait for status 0 after a reset write.',
    properties: [],
  },
  {
    id: 'PCI-DRV-7', section: '4.1.5.5', area: 'pci', role: 'driver', level: '(informative)',
    text: 'INTx: read the ISR, scan all queues on bit 0 and re-read config on bit 1; MSI-X: scan the vector\'s queues and re-read config on the config vector.',
    properties: ['P-ROUTE'],
  },
];
