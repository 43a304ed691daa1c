// virtio-net multiqueue requirements: virtio v1.4 §5.1.4.1 (config) and §5.1.9.5.6–5.1.9.5.7
// (automatic receive steering, RSS; v1.2/v1.3 §5.1.6.5.6), plus §2.1.2/§3.1.1 for the control queue.
import type { Requirement } from './types.ts';

/** NET-MQ-DEV-1..6, NET-MQ-DRV-1..5 and NET-CVQ-1. */
export const NET_MQ_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'NET-MQ-DEV-1', section: '5.1.4.1', area: 'net-mq', role: 'device', level: 'MUST',
    text: 'If MQ is offered, max_virtqueue_pairs lies in 1..0x8000.',
    properties: ['P-MQ'],
  },
  {
    id: 'NET-MQ-DRV-1', section: '5.1.9.5.6.1', area: 'net-mq', role: 'driver', level: 'MUST',
    text: 'Set up the virtqueues before enabling them with VQ_PAIRS_SET.',
    properties: ['P-MQ'],
  },
  {
    id: 'NET-MQ-DRV-2', section: '5.1.9.5.6.1', area: 'net-mq', role: 'driver', level: 'MUST NOT',
    text: 'Request no virtqueue_pairs of 0 or above max_virtqueue_pairs.',
    properties: ['P-MQ'],
  },
  {
    id: 'NET-MQ-DRV-3', section: '5.1.9.5.6.1', area: 'net-mq', role: 'driver', level: 'MUST',
    text: 'Before VQ_PAIRS_SET, transmit only on transmitq1.',
    properties: ['P-MQ'],
  },
  {
    id: 'NET-MQ-DRV-4', section: '5.1.9.5.6.1', area: 'net-mq', role: 'driver', level: 'MUST NOT',
    text: 'Once VQ_PAIRS_SET is in the available ring, queue no packets on transmit queues above virtqueue_pairs.',
    properties: ['P-MQ'],
  },
  {
    id: 'NET-MQ-DEV-2', section: '5.1.9.5.6.2', area: 'net-mq', role: 'device', level: 'MUST',
    text: 'After reset or initialization, deliver received packets only to receiveq1.',
    properties: ['P-MQ'],
  },
  {
    id: 'NET-MQ-DEV-3', section: '5.1.9.5.6.2', area: 'net-mq', role: 'device', level: 'MUST NOT',
    text: 'Once the VQ_PAIRS_SET buffer is used, deliver to no receive queue above virtqueue_pairs.',
    properties: ['P-MQ'],
  },
  {
    id: 'NET-MQ-DEV-4', section: '5.1.9.5.6', area: 'net-mq', role: 'device', level: 'MUST / SHOULD / MAY',
    text: 'With MQ on, steer by flow; a flow last sent on txq X should be received on rxq X; without history any active queue may be picked.',
    properties: ['P-MQ'], // the MUST (one queue per flow while the count stands); the SHOULD and MAY are not judged
  },
  {
    id: 'NET-MQ-DEV-5', section: '5.1.9.5.6.2', area: 'net-mq', role: 'device', level: 'SHOULD / MUST',
    text: 'If the target receive queue is being reset, pick another (SHOULD); if all are being reset, drop the packet (MUST).',
    properties: [],
  },
  {
    id: 'NET-MQ-DRV-5', section: '5.1.9.5.7.2', area: 'net-mq', role: 'driver', level: 'MUST NOT / MUST',
    text: 'Send RSS_CONFIG only with RSS negotiated, with a power-of-two indirection table within the device limit naming only enabled receive queues.',
    properties: [],
  },
  {
    id: 'NET-MQ-DEV-6', section: '5.1.4.1', area: 'net-mq', role: 'device', level: 'MUST',
    text: 'rss_max_key_size is at least 40 (RSS or HASH_REPORT) and rss_max_indirection_table_length at least 128 (RSS).',
    properties: [],
  },
  {
    id: 'NET-CVQ-1', section: '2.1.2 + 3.1.1', area: 'net-mq', role: 'driver', level: 'MUST NOT',
    text: 'Send no control-queue command, VQ_PAIRS_SET included, before DRIVER_OK (STATUS-DRV-10 applied to the control queue).',
    properties: ['P-STATUS', 'P-MQ'],
  },
];
