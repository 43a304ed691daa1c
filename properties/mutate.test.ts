// Effect-level mutation end to end, on a handful of mutants (the full run is `npm run mutate`):
// operators that re-create known bugs are killed, equivalence follows its rules, the score is
// deterministic, and the command's JSON has its documented shape.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { variantByName } from '../src/variants/catalogue.ts';
import { mutationScore, regressionCorpus, searchMutant } from '../src/mutate/score.ts';
import { enumerateMutants, recordSightings } from '../src/mutate/enumerate.ts';
import { mutantName } from '../src/mutate/operators.ts';

const mmioV2 = variantByName('mmio-v2')!;
const bin = new URL('../bin/virtio-conform.js', import.meta.url).pathname;

describe('virtio-conform mutate', () => {
  it('enumerates every operator that applies to mmio-v2 (one line, no MSI: no misroute)', () => {
    const names = enumerateMutants(recordSightings(mmioV2.config, 5, 1)).map(mutantName);
    expect(names).toContain('drop-fence dev.vq0.mb_before_used_event');
    expect(names).toContain('weaken-fence drv.vq1.mb_before_poll');
    expect(names).toContain('drop-notify dev.notify_vring');
    expect(names).toContain('drop-raise dev.raise_vring');
    expect(names).toContain('drop-line-update dev.ack_update_irq');
    expect(names).toContain('swap dev.vq0.store_used_id → dev.vq0.store_used_len');
    expect(names).toContain('skip-recheck drv.vq0.mb_before_kick_check → drv.vq0.load_avail_event');
    expect(names.filter((n) => n.startsWith('misroute-raise'))).toEqual([]);
  });

  it('kills a dropped raise, a dropped ACK line update and a dropped notify at once', () => {
    for (const m of [{ operator: 'drop-raise', site: 'dev.raise_vring' }, { operator: 'drop-line-update', site: 'dev.ack_update_irq' }, { operator: 'drop-notify', site: 'dev.notify_vring' }] as const) {
      const r = searchMutant(mmioV2.config, m, 5, 1);
      expect(r.violation?.property, mutantName(m)).toBeDefined();
    }
  });

  it('a raise misrouted to the other line is killed by P-ROUTE on the line actually driven (multi-irq-rfc)', () => {
    const r = searchMutant(variantByName('multi-irq-rfc')!.config, { operator: 'misroute-raise', site: 'dev.raise_vring' }, 5, 1);
    expect(r.violation?.property).toBe('P-ROUTE');
  });

  it('weakening the device mb_before_used_event to wmb re-creates BZ-KVT-01: killed by its regression schedule', () => {
    const r = searchMutant(mmioV2.config, { operator: 'weaken-fence', site: 'dev.vq0.mb_before_used_event' }, 0, 1, regressionCorpus());
    expect(r.violation?.property).toBe('P-QUIESCE');
    expect(r.run).toBeLessThan(0); // a corpus entry
  });

  it('marks wmb/rmb drops under TSO and store→load swaps as equivalent, and is deterministic', () => {
    const only = (m: { operator: string; site: string }) => /wmb_before_used_idx|store_avail_event/.test(m.site) && m.site.startsWith('dev.vq0');
    const a = mutationScore(mmioV2, { runs: 3, seed: 1, corpus: false, enumerationRuns: 5, only });
    const b = mutationScore(mmioV2, { runs: 3, seed: 1, corpus: false, enumerationRuns: 5, only });
    expect(a).toEqual(b);
    const eq = a.verdicts.filter((v) => v.status === 'equivalent').map((v) => `${v.operator} ${v.site}`);
    expect(eq).toContain('drop-fence dev.vq0.wmb_before_used_idx');
    expect(eq).toContain('swap dev.vq0.store_avail_event → dev.vq0.load_avail_idx');
  });

  it('--json: {variant, killed, total, equivalent, survivors: [{operator, site, reason}]}', () => {
    const r = spawnSync('node', [bin, 'mutate', '--only', 'dev.raise_vring', '--runs', '2', '--json'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['variant', 'killed', 'total', 'equivalent', 'survivors']);
    expect(out).toMatchObject({ variant: 'mmio-v2', killed: 1, total: 1, equivalent: 0, survivors: [] });
    expect(r.stderr).toMatch(/\[1\/1\] drop-raise dev.raise_vring: killed/);
  });
});
