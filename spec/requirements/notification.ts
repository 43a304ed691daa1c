// Split-ring notification suppression and ordering: virtio v1.4 §2.7.7 (used-buffer direction),
// §2.7.10 (available-buffer direction), §2.7.13.3.1 / §2.7.13.4.1 (barriers) and §2.7.14.
import type { Requirement } from './types.ts';

/** NOTIF-DRV-1..9 and NOTIF-DEV-1..8, in the digest's order (used, available, ordering). */
export const NOTIFICATION_REQUIREMENTS: readonly Requirement[] = [
  // Used-buffer notifications, device → driver (§2.7.7).
  {
    id: 'NOTIF-DRV-1', section: '2.7.7.1', area: 'notification', role: 'driver', level: 'MUST / MAY',
    text: 'Without EVENT_IDX, keep avail flags at 0 or 1; setting 1 (MAY) hints that used-buffer notifications are unwanted.',
    properties: ['P-FEAT'],
  },
  {
    id: 'NOTIF-DRV-2', section: '2.7.7.1', area: 'notification', role: 'driver', level: 'MUST / MAY',
    text: 'With EVENT_IDX, keep avail flags at 0; used_event (MAY) defers notifications until the used entry at that index is written.',
    properties: ['P-FEAT'],
  },
  {
    id: 'NOTIF-DRV-3', section: '2.7.7.1', area: 'notification', role: 'driver', level: 'MUST',
    text: 'Tolerate spurious used-buffer notifications.',
    properties: ['P-WRAP'],
  },
  {
    id: 'NOTIF-DEV-1', section: '2.7.7.2', area: 'notification', role: 'device', level: 'MUST',
    text: 'Without EVENT_IDX, ignore used_event.',
    properties: ['P-FEAT'],
  },
  {
    id: 'NOTIF-DEV-2', section: '2.7.7.2', area: 'notification', role: 'device', level: 'SHOULD NOT / MUST',
    text: 'Without EVENT_IDX, after writing a used entry: avail flags 1 means do not notify (SHOULD NOT), 0 means notify (MUST).',
    properties: ['P-QUIESCE', 'P-IRQ-MUST'],
  },
  {
    id: 'NOTIF-DEV-3', section: '2.7.7.2', area: 'notification', role: 'device', level: 'MUST',
    text: 'With EVENT_IDX, ignore bit 0 of avail flags.',
    properties: ['P-IRQ-MUST'],
  },
  {
    id: 'NOTIF-DEV-4', section: '2.7.7.2', area: 'notification', role: 'device', level: 'MUST / SHOULD NOT',
    text: 'With EVENT_IDX, notify when the used index that placed an entry equals used_event (batches: need_event), otherwise SHOULD NOT.',
    properties: ['P-QUIESCE', 'P-IRQ-MUST'],
  },
  // Available-buffer notifications (kicks), driver → device (§2.7.10).
  {
    id: 'NOTIF-DRV-4', section: '2.7.10.1', area: 'notification', role: 'driver', level: 'MUST',
    text: 'Zero the used ring, its flags included, when allocating it.',
    properties: ['P-WRAP'],
  },
  {
    id: 'NOTIF-DRV-5', section: '2.7.10.1', area: 'notification', role: 'driver', level: 'MUST / SHOULD NOT / MUST',
    text: 'Without EVENT_IDX, ignore avail_event; after adding buffers, used flags 1 means do not kick (SHOULD NOT), 0 means kick (MUST).',
    properties: ['P-QUIESCE', 'P-KICK-MUST', 'P-FEAT'],
  },
  {
    id: 'NOTIF-DRV-6', section: '2.7.10.1', area: 'notification', role: 'driver', level: 'MUST / SHOULD NOT',
    text: 'With EVENT_IDX, ignore bit 0 of used flags; kick when the avail index that placed an entry equals avail_event (batches: need_event), otherwise SHOULD NOT.',
    properties: ['P-QUIESCE', 'P-KICK-MUST'],
  },
  {
    id: 'NOTIF-DEV-5', section: '2.7.10.2', area: 'notification', role: 'device', level: 'MUST / MAY',
    text: 'Without EVENT_IDX, keep used flags at 0 or 1; setting 1 (MAY) hints that kicks are unwanted.',
    properties: ['P-FEAT'],
  },
  {
    id: 'NOTIF-DEV-6', section: '2.7.10.2', area: 'notification', role: 'device', level: 'MUST / MAY',
    text: 'With EVENT_IDX, keep used flags at 0; the device may use avail_event.',
    properties: ['P-FEAT'],
  },
  {
    id: 'NOTIF-DEV-7', section: '2.7.10.2', area: 'notification', role: 'device', level: 'MUST',
    text: 'Tolerate spurious available-buffer notifications (kicks).',
    properties: ['P-WRAP'],
  },
  // Ordering and barriers.
  {
    id: 'NOTIF-DRV-7', section: '2.7.13.3.1', area: 'notification', role: 'driver', level: 'MUST',
    text: 'Issue a memory barrier before updating avail idx, so descriptors and ring entries become visible first.',
    properties: ['P-QUIESCE', 'P-WRAP'],
  },
  {
    id: 'NOTIF-DRV-8', section: '2.7.13.4.1', area: 'notification', role: 'driver', level: 'MUST',
    text: 'Issue a full (store→load) barrier between publishing avail idx and reading used flags or avail_event, or a kick can be missed.',
    properties: ['P-QUIESCE'],
  },
  {
    id: 'NOTIF-DRV-9', section: '2.7.14 note', area: 'notification', role: 'driver', level: '(informative)',
    text: 'After re-enabling used notifications, re-check for new used entries behind a full barrier and process again if any appeared.',
    properties: ['P-QUIESCE'],
  },
  {
    // The digest gives no section ('[analysis]'); 2.7.10 is where the spec calls the device side "analogous".
    id: 'NOTIF-DEV-8', section: '2.7.10', area: 'notification', role: 'device', level: '–',
    text: 'Analysis, no explicit spec rule: after clearing NO_NOTIFY or moving avail_event, re-read avail idx behind a full barrier.',
    properties: ['P-QUIESCE'],
  },
];
