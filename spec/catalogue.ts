// The requirement catalogue: every requirement of spec-notes.md (virtio v1.4-cs01 numbering),
// the properties that check each one, and the requirements deliberately left unchecked.
import type { PropertyId, Requirement } from './requirements/types.ts';
import { FEATURES_REQUIREMENTS } from './requirements/features.ts';
import { MMIO_REQUIREMENTS } from './requirements/mmio.ts';
import { MULTI_IRQ_REQUIREMENTS } from './requirements/multi-irq.ts';
import { NET_MQ_REQUIREMENTS } from './requirements/net-mq.ts';
import { NOTIFICATION_REQUIREMENTS } from './requirements/notification.ts';
import { PCI_REQUIREMENTS } from './requirements/pci.ts';
import { STATUS_REQUIREMENTS } from './requirements/status.ts';
import { MSI_REQUIREMENTS } from './requirements/msi.ts';

export type { Area, Level, PropertyId, Requirement, Role } from './requirements/types.ts';

/** All requirements, area by area. */
export const REQUIREMENTS: readonly Requirement[] = [
  ...STATUS_REQUIREMENTS,
  ...FEATURES_REQUIREMENTS,
  ...NOTIFICATION_REQUIREMENTS,
  ...MMIO_REQUIREMENTS,
  ...NET_MQ_REQUIREMENTS,
  ...PCI_REQUIREMENTS,
  ...MULTI_IRQ_REQUIREMENTS,
  ...MSI_REQUIREMENTS, // from the 2020 MMIO MSI proposal, not the spec
];

/** A requirement the suite deliberately does not check, and why. */
export interface Exclusion {
  readonly id: string;
  readonly reason: string;
}

/** Requirements out of the suite's scope; none of them may list a property. */
export const EXCLUSIONS: readonly Exclusion[] = [
  // --- feature negotiation ---
  {
    id: 'FEAT-DEV-7',
    reason: 'No transitional device exists on the transports modelled. On virtio-mmio the Version register, not VERSION_1, separates legacy (1) from modern (2) register layouts: a Version 2 device is modern-only (a legacy driver cannot drive its registers; Linux before virtio 1.0 support rejected Version != 1), and a Version 1 device cannot offer VERSION_1 in practice (QEMU force-legacy reads HostFeatures as 0 for HostFeaturesSel >= 1). The PCI device here is v86\'s modern-only console. Checking it would need an invented transitional MMIO device (a Version 1 layout offering bit 32 through HostFeaturesSel 1) that no implementation or spec text describes. The driver half, FEAT-DRV-9, is checked.',
  },
  // --- end feature negotiation ---
  {
    id: 'STATUS-DRV-14',
    reason: 'SUSPEND (status bit 16, VIRTIO_F_SUSPEND) exists only in v1.4 and is out of scope.',
  },
  {
    id: 'STATUS-DEV-8',
    reason: 'SUSPEND (status bit 16, VIRTIO_F_SUSPEND) exists only in v1.4 and is out of scope.',
  },
  {
    id: 'FEAT-DRV-7',
    reason: 'ACCESS_PLATFORM address translation (IOMMU) is not modelled; simulated guest memory is addressed physically.',
  },
  {
    id: 'FEAT-DRV-8',
    reason: 'Packed rings, ORDER_PLATFORM hardware barriers and NOTIF_CONFIG_DATA are not modelled; the suite covers split rings only.',
  },
  {
    id: 'STATUS-DEV-7',
    reason: 'The virtio-pci common configuration (device_status, queue_enable): the simulated transport is virtio-mmio; the pci-msix variant models only MSI-X interrupt delivery, not the PCI common config. The MMIO counterpart, MMIO-DEV-4, is checked (P-ISR).',
  },
  {
    id: 'STATUS-DRV-12',
    reason: 'The virtio-pci common configuration (wait for device_status to read 0 after a reset): the simulated transport is virtio-mmio, whose reset adds no such MUST (MMIO-RST-1, a SHOULD, is checked by P-STATUS).',
  },
  {
    id: 'MMIO-DEV-7',
    reason: 'RING_RESET (QueueReset) is not modelled: the simulated device does not offer it and has no QueueReset register.',
  },
  {
    id: 'MMIO-DRV-12',
    reason: 'RING_RESET (QueueReset) is not modelled: the simulated device does not offer it, so no driver resets a single queue.',
  },
  {
    id: 'FEAT-DEV-6',
    reason: 'IN_ORDER is not modelled: the simulated device does not offer it, so no run negotiates it.',
  },
  // --- net-mq ---
  {
    id: 'NET-MQ-DEV-5',
    reason: 'RING_RESET (per-queue reset) is not modelled: the simulated device does not offer it and has no QueueReset register, so no receive queue is ever "being reset" when a packet is steered (as MMIO-DEV-7 / MMIO-DRV-12).',
  },
  {
    id: 'NET-MQ-DRV-5',
    reason: 'VIRTIO_NET_F_RSS is not modelled: the simulated device does not offer it (nor HASH_REPORT), has no rss_max_* config fields and no VIRTIO_NET_CTRL_MQ_RSS_CONFIG command, so no driver sends RSS_CONFIG; steering is the automatic kind (NET-MQ-DEV-4, checked by P-MQ).',
  },
  {
    id: 'NET-MQ-DEV-6',
    reason: 'VIRTIO_NET_F_RSS / HASH_REPORT are not modelled: the simulated device offers neither, so its config space has no rss_max_key_size / rss_max_indirection_table_length to bound.',
  },
  // --- end net-mq ---
];

const BY_ID: ReadonlyMap<string, Requirement> = new Map(REQUIREMENTS.map((r) => [r.id, r]));

/**
 * The requirement with this id, or `undefined` if the catalogue has none.
 * @example requirementById('STATUS-DRV-10')?.level // 'MUST NOT'
 */
export function requirementById(id: string): Requirement | undefined {
  return BY_ID.get(id);
}

/**
 * The requirements that list `property` among their checks, in catalogue order.
 * @example requirementsCheckedBy('P-ISR').map((r) => r.id) // ['MMIO-DEV-3', 'MMIO-DEV-4', ...]
 */
export function requirementsCheckedBy(property: PropertyId): readonly Requirement[] {
  return REQUIREMENTS.filter((r) => r.properties.includes(property));
}

/** Whether the suite deliberately leaves this requirement unchecked (see EXCLUSIONS). */
export function isExcluded(id: string): boolean {
  return EXCLUSIONS.some((e) => e.id === id);
}
