// virtio-mmio transport requirements: virtio v1.4 §4.2.2 (4.2.2.1 device, 4.2.2.2 driver),
// §4.2.3.1.1 initialization, §4.2.3.3 kicks, §4.2.3.4 interrupts, with the reset rule of §2.4.2.
import type { Requirement } from './types.ts';

/** MMIO-DEV-1..8, MMIO-DRV-1..17 and MMIO-RST-1. */
export const MMIO_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'MMIO-DEV-1', section: '4.2.2.1', area: 'mmio', role: 'device', level: 'MUST',
    text: 'MagicValue reads 0x74726976 ("virt").',
    properties: ['P-MMIO'],
  },
  {
    id: 'MMIO-DEV-2', section: '4.2.2.1', area: 'mmio', role: 'device', level: 'MUST',
    text: 'Version reads 0x2 on a modern device.',
    properties: ['P-MMIO'],
  },
  {
    id: 'MMIO-DEV-3', section: '4.2.2.1', area: 'mmio', role: 'device', level: 'MUST',
    text: 'Keep each event\'s InterruptStatus bit set from the event until the driver acks it; bits of events that did not happen read 0.',
    properties: ['P-ISR'],
  },
  {
    id: 'MMIO-DEV-4', section: '4.2.2.1', area: 'mmio', role: 'device', level: 'MUST',
    text: 'On reset, clear every InterruptStatus bit and every queue\'s QueueReady.',
    properties: ['P-ISR', 'P-MMIO'],
  },
  {
    id: 'MMIO-DEV-5', section: '4.2.2.1', area: 'mmio', role: 'device', level: 'MUST',
    text: 'Change ConfigGeneration whenever the driver could otherwise read inconsistent config.',
    properties: ['P-CFG'],
  },
  {
    id: 'MMIO-DEV-6', section: '4.2.2.1', area: 'mmio', role: 'device', level: 'MUST NOT',
    text: 'Access no queue memory while that queue\'s QueueReady is 0.',
    properties: ['P-STATUS'],
  },
  {
    id: 'MMIO-DEV-7', section: '4.2.2.1', area: 'mmio', role: 'device', level: 'MUST',
    text: 'With RING_RESET, QueueReset reads 0 after device reset and enable; writing 1 resets the queue, which reads 1 until done, then 0 with QueueReady 0.',
    properties: [],
  },
  {
    id: 'MMIO-DEV-8', section: '4.2.3.4', area: 'mmio', role: 'device', level: '(descriptive)',
    text: 'One dedicated interrupt line per device, asserted while any InterruptStatus bit is set.',
    properties: ['P-ISR', 'P-QUIESCE'],
  },
  {
    id: 'MMIO-DRV-1', section: '4.2.2.2', area: 'mmio', role: 'driver', level: 'MUST NOT',
    text: 'Access nothing outside the register table or the device\'s config layout; write no read-only and read no write-only register.',
    properties: ['P-MMIO'],
  },
  {
    id: 'MMIO-DRV-2', section: '4.2.2.2', area: 'mmio', role: 'driver', level: 'MUST',
    text: 'Use aligned 32-bit accesses for control registers and natural-width aligned accesses in config (32-bit halves for 64-bit fields).',
    properties: ['P-MMIO'],
  },
  {
    id: 'MMIO-DRV-3', section: '4.2.2.2', area: 'mmio', role: 'driver', level: 'MUST / MAY',
    text: 'Ignore a device with a wrong MagicValue; an error may be reported.',
    properties: ['P-MMIO'],
  },
  {
    id: 'MMIO-DRV-4', section: '4.2.2.2', area: 'mmio', role: 'driver', level: 'MUST / MAY',
    text: 'Ignore a device whose Version is not 0x2; an error may be reported.',
    properties: ['P-MMIO'],
  },
  {
    id: 'MMIO-DRV-5', section: '4.2.2.2', area: 'mmio', role: 'driver', level: 'MUST / MUST NOT',
    text: 'Ignore a device with DeviceID 0 and report no error for it.',
    properties: ['P-MMIO'],
  },
  {
    id: 'MMIO-DRV-6', section: '4.2.2.2', area: 'mmio', role: 'driver', level: 'MUST',
    text: 'Write DeviceFeaturesSel before reading DeviceFeatures, and DriverFeaturesSel before writing DriverFeatures.',
    properties: ['P-FEAT'],
  },
  {
    id: 'MMIO-DRV-7', section: '4.2.2.2', area: 'mmio', role: 'driver', level: 'MUST',
    text: 'Write a QueueSize no larger than QueueSizeMax.',
    properties: ['P-MMIO'],
  },
  {
    id: 'MMIO-DRV-8', section: '4.2.2.2', area: 'mmio', role: 'driver', level: 'MUST NOT',
    text: 'Leave QueueSize and the queue address registers alone while QueueReady is non-zero.',
    properties: ['P-MMIO'],
  },
  {
    id: 'MMIO-DRV-9', section: '4.2.2.2', area: 'mmio', role: 'driver', level: 'MUST',
    text: 'Stop a queue by writing 0 to QueueReady and reading it back to synchronize.',
    properties: ['P-MMIO'],
  },
  {
    id: 'MMIO-DRV-10', section: '4.2.2.2', area: 'mmio', role: 'driver', level: 'MUST',
    text: 'Ignore undefined InterruptStatus bits.',
    properties: ['P-ISR'],
  },
  {
    id: 'MMIO-DRV-11', section: '4.2.2.2', area: 'mmio', role: 'driver', level: 'MUST / MUST NOT',
    text: 'When done with an interrupt, write the mask of handled events to InterruptACK, with no undefined bits set.',
    properties: ['P-ISR'],
  },
  {
    id: 'MMIO-DRV-12', section: '4.2.2.2', area: 'mmio', role: 'driver', level: 'MUST NOT / MAY',
    text: 'With RING_RESET, treat a queue reset as done only when QueueReset reads 0; the queue may then be re-enabled with new parameters.',
    properties: [],
  },
  {
    id: 'MMIO-DRV-13', section: '4.2.3.1.1', area: 'mmio', role: 'driver', level: 'MUST / MUST NOT',
    text: 'Check MagicValue and Version first, then DeviceID; if DeviceID is 0, stop and touch no other register.',
    properties: ['P-MMIO'],
  },
  {
    id: 'MMIO-DRV-14', section: '4.2.3.1.1', area: 'mmio', role: 'driver', level: 'MUST NOT',
    text: 'Use the SHM registers only if the driver expects shared memory regions.',
    properties: ['P-MMIO'],
  },
  {
    id: 'MMIO-DRV-15', section: '4.2.3.1.1', area: 'mmio', role: 'driver', level: 'MUST',
    text: 'After the MMIO identity checks, follow the generic initialization sequence of §3.1.',
    properties: ['P-STATUS'],
  },
  {
    id: 'MMIO-DRV-16', section: '4.2.3.4.1', area: 'mmio', role: 'driver', level: 'MUST / SHOULD / MUST',
    text: 'On an interrupt, read InterruptStatus for the cause, treat the used-buffer bit as a notification for every active queue (SHOULD), and ack the handled bits.',
    properties: ['P-QUIESCE', 'P-ISR', 'P-ROUTE'],
  },
  {
    id: 'MMIO-DRV-17', section: '4.2.3.3', area: 'mmio', role: 'driver', level: '(procedure)',
    text: 'Kick by a 32-bit write to QueueNotify of the queue index, or of the notification-data value when bit 38 is negotiated.',
    properties: [],
  },
  {
    id: 'MMIO-RST-1', section: '2.4.2 + 4.2.2', area: 'mmio', role: 'driver', level: 'SHOULD',
    text: 'Reset by writing 0 to Status and consider it done once Status reads 0; MMIO adds no MUST here (unlike PCI, STATUS-DRV-12).',
    properties: ['P-STATUS'],
  },
];
