// Device status field requirements: virtio v1.4 §2.1 (2.1.1 driver, 2.1.2 device), §2.4 reset,
// §3.1.1 initialization, §3.3.1 cleanup, §3.4 suspend, and the PCI reset rules of §4.1.4.3.
import type { Requirement } from './types.ts';

/** STATUS-DRV-1..14 and STATUS-DEV-1..8. */
export const STATUS_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'STATUS-DRV-1', section: '2.1.1', area: 'status', role: 'driver', level: 'MUST',
    text: 'Set each status bit as the matching step of the initialization sequence completes.',
    properties: ['P-STATUS'],
  },
  {
    id: 'STATUS-DRV-2', section: '2.1.1', area: 'status', role: 'driver', level: 'MUST NOT',
    text: 'Never clear a status bit; status returns to 0 only through a reset (writing 0 on MMIO and PCI is a reset request).',
    properties: ['P-STATUS'],
  },
  {
    id: 'STATUS-DRV-3', section: '2.1.1', area: 'status', role: 'driver', level: 'MUST',
    text: 'After setting FAILED, reset the device before any new initialization attempt.',
    properties: ['P-STATUS'],
  },
  {
    id: 'STATUS-DRV-4', section: '2.1.1', area: 'status', role: 'driver', level: 'SHOULD NOT',
    text: 'Once DEVICE_NEEDS_RESET is set, do not rely on in-flight operations completing or not; recover by reset.',
    properties: ['P-STATUS'],
  },
  {
    id: 'STATUS-DRV-5', section: '3.1.1', area: 'status', role: 'driver', level: 'MUST',
    text: 'Initialize in order: reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK, re-read status, device setup, DRIVER_OK.',
    properties: ['P-STATUS'],
  },
  {
    id: 'STATUS-DRV-6', section: '3.1.1 step 4', area: 'status', role: 'driver', level: 'MUST NOT',
    text: 'Write no device-specific config before FEATURES_OK; reading it is allowed.',
    properties: ['P-STATUS'],
  },
  {
    id: 'STATUS-DRV-7', section: '3.1.1 step 5', area: 'status', role: 'driver', level: 'MUST NOT',
    text: 'Add no feature to the accepted set once FEATURES_OK has been written.',
    properties: ['P-FEAT', 'P-STATUS'],
  },
  {
    id: 'STATUS-DRV-8', section: '3.1.1 step 6', area: 'status', role: 'driver', level: '(procedure)',
    text: 'Re-read status after setting FEATURES_OK; if the bit is gone, treat the device as unusable and stop.',
    properties: ['P-STATUS'],
  },
  {
    id: 'STATUS-DRV-9', section: '3.1.1', area: 'status', role: 'driver', level: 'SHOULD / MUST NOT',
    text: 'On an unrecoverable initialization failure, set FAILED (SHOULD) and do not go on initializing (MUST NOT).',
    properties: ['P-STATUS'],
  },
  {
    id: 'STATUS-DRV-10', section: '3.1.1', area: 'status', role: 'driver', level: 'MUST NOT',
    text: 'Send no available-buffer notification (kick) before DRIVER_OK.',
    properties: ['P-STATUS'],
  },
  {
    id: 'STATUS-DRV-11', section: '2.4.2', area: 'status', role: 'driver', level: 'SHOULD',
    text: 'Consider a reset complete only once status reads back 0.',
    properties: [],
  },
  {
    id: 'STATUS-DRV-12', section: '4.1.4.3.2 (PCI)', area: 'status', role: 'driver', level: 'MUST',
    text: 'PCI: after writing 0 to device_status, wait until it reads 0 before initializing again.',
    properties: [],
  },
  {
    id: 'STATUS-DRV-13', section: '3.3.1', area: 'status', role: 'driver', level: 'MUST NOT / MUST',
    text: 'Leave entries of buffers exposed on a live queue alone; to reclaim them, reset first so no queue is live.',
    properties: ['P-STATUS'],
  },
  {
    id: 'STATUS-DRV-14', section: '3.4.1 (v1.4)', area: 'status', role: 'driver', level: 'SHOULD NOT / MUST',
    text: 'Set SUSPEND only with VIRTIO_F_SUSPEND and DRIVER_OK, confirm it, then stop adding buffers, kicking and writing config; on resume wait for SUSPEND=0 and DRIVER_OK=1.',
    properties: [],
  },
  {
    id: 'STATUS-DEV-1', section: '2.1.2', area: 'status', role: 'device', level: 'MUST NOT',
    text: 'Consume no buffers and send no used-buffer notification before DRIVER_OK.',
    properties: ['P-STATUS'],
  },
  {
    id: 'STATUS-DEV-2', section: '2.1.2 / 3.2.1', area: 'status', role: 'device', level: 'SHOULD / MUST',
    text: 'Set DEVICE_NEEDS_RESET on an error that needs a reset (SHOULD); if DRIVER_OK is set, follow with a config-change notification (MUST).',
    properties: ['P-STATUS'],
  },
  {
    id: 'STATUS-DEV-3', section: '2.4.1', area: 'status', role: 'device', level: 'MUST',
    text: 'Set status back to 0 when a reset completes.',
    properties: ['P-STATUS'],
  },
  {
    id: 'STATUS-DEV-4', section: '2.4.1', area: 'status', role: 'device', level: 'MUST NOT',
    text: 'After presenting status 0, send no notification and touch no queue until the driver initializes the device again.',
    properties: ['P-STATUS'],
  },
  {
    id: 'STATUS-DEV-5', section: '2.2.2', area: 'status', role: 'device', level: 'SHOULD / MUST',
    text: 'Accept any valid feature subset (SHOULD); if it cannot, leave FEATURES_OK clear when the driver writes it (MUST).',
    properties: ['P-FEAT'],
  },
  {
    id: 'STATUS-DEV-6', section: '2.5.2', area: 'status', role: 'device', level: 'MUST',
    text: 'Allow device-specific config reads before FEATURES_OK, including fields that depend on an offered feature.',
    properties: ['P-FEAT'],
  },
  {
    id: 'STATUS-DEV-7', section: '4.1.4.3.1 (PCI)', area: 'status', role: 'device', level: 'MUST',
    text: 'PCI: reset when device_status is written 0, present 0 when done, and read queue_enable as 0 afterwards.',
    properties: [],
  },
  {
    id: 'STATUS-DEV-8', section: '3.4.2 (v1.4)', area: 'status', role: 'device', level: 'MUST / SHOULD',
    text: 'Honour SUSPEND only after initialization; while suspended neither notify, touch queues nor change config; on request suspend or set DEVICE_NEEDS_RESET, draining in-flight buffers first (SHOULD).',
    properties: [],
  },
];
