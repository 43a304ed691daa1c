// Rules for a virtio-mmio device with several interrupt lines — the 2014/2019/2023 proposals
// (notes §7). The spec has no such text: it gives a device one dedicated line (§4.2.3.4,
// MMIO-DEV-8). These are the rules any multi-line design must keep for the suite to call it
// safe, from the analysis in notes §7.4; their level is '–' (analysis, not the spec).
import type { Requirement } from './types.ts';

/** MIRQ-DEV-1..2, MIRQ-DRV-1. */
export const MULTI_IRQ_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'MIRQ-DEV-1', section: '4.2.3.4 (multi-line proposals; notes 7.4 point 7)', area: 'multi-irq', role: 'device', level: '–',
    text: 'Raise only lines the driver has claimed: everything on line 0 until the driver shows it handles several (an unaware driver claims one).',
    properties: ['P-ROUTE'],
  },
  {
    id: 'MIRQ-DEV-2', section: '4.2.3.4 (multi-line proposals; notes 7.4 point 8)', area: 'multi-irq', role: 'device', level: '–',
    text: 'Signal queue q on line (q / 2) mod N, the mapping device and driver share, and configuration changes on line 0.',
    properties: ['P-ROUTE'],
  },
  {
    id: 'MIRQ-DRV-1', section: '4.2.3.4 (multi-line proposals; notes 7.4 point 3)', area: 'multi-irq', role: 'driver', level: '–',
    text: 'A handler woken on a line looks at the queues raised on that line, whatever the shared InterruptStatus shows.',
    properties: ['P-ROUTE'],
  },
];
