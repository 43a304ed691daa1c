// Driver removal (SimConfig removeAfterWorkload, virtnet_remove): under many schedules and
// every interrupt delivery, the remove path runs once the traffic is over, every oracle
// passes, the device ends reset with only ACKNOWLEDGE set again, and every Version 2 queue
// stop was read back (MMIO-DRV-9).
import { describe, expect, it } from 'vitest';
import { runOnce } from '../src/explore/run-once.ts';
import { sourceFor } from '../src/explore/explore.ts';
import { variantByName } from '../src/variants/catalogue.ts';
import { DEFAULT_CONFIG, type SimConfig } from '../src/sim/config.ts';
import { STATUS } from '../spec/facts/status-bits.ts';
import { MMIO } from '../spec/facts/mmio-registers.ts';

const base = variantByName('mmio-v2')!.config;
const CONFIGS: [string, SimConfig][] = [
  ['mmio-v2', { ...base, removeAfterWorkload: true }],
  ['mmio-v1', { ...base, transport: 'mmio-v1', removeAfterWorkload: true }],
  ['pci-msix', { ...base, irqDelivery: 'pci-msix', removeAfterWorkload: true }],
  ['mmio-msi-latched-locked', { ...base, irqDelivery: 'mmio-msi-latched', msi: { ...DEFAULT_CONFIG.msi, selectorLock: true }, removeAfterWorkload: true }],
  ['mmio-v2-mq', { ...base, maxQueuePairs: 2, txPackets: 8, resizeQueuePairsTo: 1, removeAfterWorkload: true }],
];

describe('driver removal', () => {
  it.each(CONFIGS)('%s: the device is reset and every queue stopped, and every oracle passes', (_name, config) => {
    for (let run = 0; run < 25; run++) {
      const r = runOnce(config, sourceFor('pct', 7, run, 1500));
      expect(r.violations, `run ${run}`).toEqual([]);
      const notes = r.records.flatMap((x) => (x.kind === 'effect' && x.effect.kind === 'note' ? [x.effect] : []));
      expect(notes.some((n) => n.note === 'drv.removed' && n.data.status === 0), `run ${run}: removed after a reset`).toBe(true);
      expect(r.sim.device.status, `run ${run}`).toBe(STATUS.ACKNOWLEDGE);
      expect(r.sim.device.queues.every((q) => !q.ready), `run ${run}: no queue ready`).toBe(true);
      if (config.transport === 'mmio-v2') {
        const readBacks = r.records.filter((x) => x.kind === 'effect' && x.effect.kind === 'mmioRead' && x.effect.off === MMIO.QueueReady && x.effect.site === 'drv.vq.del_read_ready');
        expect(readBacks.length, `run ${run}: one read-back per queue`).toBe(r.sim.device.queues.length);
      }
    }
  });
});
