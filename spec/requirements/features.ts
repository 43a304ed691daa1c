// Feature negotiation requirements: virtio v1.4 §2.2 (2.2.1 driver, 2.2.2 device, 2.2.3 legacy)
// and the reserved feature bits of §6 (6.1 driver, 6.2 device).
import type { Requirement } from './types.ts';

/** FEAT-DRV-1..9 and FEAT-DEV-1..7. */
export const FEATURES_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'FEAT-DRV-1', section: '2.2.1', area: 'features', role: 'driver', level: 'MUST NOT',
    text: 'Accept no feature bit the device did not offer.',
    properties: ['P-FEAT'],
  },
  {
    id: 'FEAT-DRV-2', section: '2.2.1', area: 'features', role: 'driver', level: 'MUST NOT',
    text: 'Accept no feature bit without its prerequisite bits (e.g. NET_F_MQ needs NET_F_CTRL_VQ).',
    properties: ['P-FEAT'],
  },
  {
    id: 'FEAT-DRV-3', section: '2.2.1', area: 'features', role: 'driver', level: 'MUST',
    text: 'Validate offered bits and never accept unspecified, reserved, transport-unsupported or device-type-undefined ones.',
    properties: ['P-FEAT'],
  },
  {
    id: 'FEAT-DRV-4', section: '2.2.1', area: 'features', role: 'driver', level: 'SHOULD / MUST',
    text: 'If a needed feature is not offered, fall back to a compatible mode (SHOULD), else set FAILED and stop initializing (MUST).',
    properties: ['P-FEAT'],
  },
  {
    id: 'FEAT-DRV-5', section: '2.2.1', area: 'features', role: 'driver', level: 'MUST NOT',
    text: 'Do not fail merely because an unknown feature bit is offered.',
    properties: ['P-FEAT'],
  },
  {
    id: 'FEAT-DRV-6', section: '6.1', area: 'features', role: 'driver', level: 'MUST / MAY',
    text: 'Accept VERSION_1 when offered; the driver may refuse to work if it is not offered.',
    properties: ['P-FEAT'],
  },
  {
    id: 'FEAT-DRV-7', section: '6.1', area: 'features', role: 'driver', level: 'SHOULD / MUST',
    text: 'Accept ACCESS_PLATFORM when offered and then program or disable the IOMMU; without it pass only physical addresses.',
    properties: [],
  },
  {
    id: 'FEAT-DRV-8', section: '6.1', area: 'features', role: 'driver', level: 'SHOULD',
    text: 'Accept RING_PACKED, ORDER_PLATFORM and NOTIF_CONFIG_DATA when offered; with ORDER_PLATFORM use hardware-grade barriers.',
    properties: [],
  },
  {
    id: 'FEAT-DRV-9', section: '2.2.3', area: 'features', role: 'driver', level: 'MUST',
    text: 'A transitional driver treats a device that does not offer VERSION_1 as a legacy device.',
    properties: ['P-FEAT', 'P-STATUS'],
  },
  {
    id: 'FEAT-DEV-1', section: '2.2.2', area: 'features', role: 'device', level: 'MUST NOT',
    text: 'Offer no feature bit without also offering its prerequisites.',
    properties: ['P-FEAT'],
  },
  {
    id: 'FEAT-DEV-2', section: '2.2.2', area: 'features', role: 'device', level: 'SHOULD / MUST',
    text: 'Accept any valid subset (SHOULD); otherwise refuse FEATURES_OK so the driver reads it back clear (MUST).',
    properties: ['P-FEAT'],
  },
  {
    id: 'FEAT-DEV-3', section: '2.2.2', area: 'features', role: 'device', level: 'MUST NOT',
    text: 'Offer no bit it could not honour if accepted: unspecified, reserved, transport- or device-type-unsupported bits.',
    properties: ['P-FEAT'],
  },
  {
    id: 'FEAT-DEV-4', section: '2.2.2', area: 'features', role: 'device', level: 'SHOULD NOT',
    text: 'After a device or system reset, do not fail to renegotiate a feature set that was accepted before.',
    properties: [],
  },
  {
    id: 'FEAT-DEV-5', section: '6.2', area: 'features', role: 'device', level: 'MUST / MAY',
    text: 'Offer VERSION_1; the device may stop working if the driver does not accept it.',
    properties: ['P-FEAT'],
  },
  {
    id: 'FEAT-DEV-6', section: '6.2', area: 'features', role: 'device', level: 'MUST',
    text: 'With IN_ORDER negotiated, use buffers in the order they were made available.',
    properties: [],
  },
  {
    id: 'FEAT-DEV-7', section: '2.2.3', area: 'features', role: 'device', level: 'MUST',
    text: 'A transitional device treats a driver that did not acknowledge VERSION_1 as a legacy driver.',
    properties: [],
  },
];
