// Exhaustive status-register gating (§2.1, §3.1.1; STATUS-DRV-2/5, STATUS-DEV-1): from every
// status the init sequence reaches, every byte 0..255 is written and read back; the device's
// stored status and activation must be accepted by the device-role statechart.
import { describe, expect, it } from 'vitest';
import { variantByName } from '../src/variants/catalogue.ts';
import { runOnce } from '../src/explore/run-once.ts';
import { ArrayChoiceSource } from '../src/kernel/index.ts';
import { GATING_START_PATHS } from '../src/driver/status-prober.ts';

function gating(name: string) {
  const v = variantByName(name)!;
  const r = runOnce(v.config, new ArrayChoiceSource([]));
  const writes = r.records.filter((x) => x.kind === 'effect' && x.effect.kind === 'mmioWrite' && x.effect.off === 0x70).length;
  return { r, writes };
}

describe('status gating, every (state × byte)', () => {
  it('the reference device accepts only what the statechart allows', () => {
    const { r, writes } = gating('mmio-v2-status-gating');
    expect(r.violations).toEqual([]);
    expect(r.outcome).toBe('quiescent');
    // Cover: one probe per (start state, byte), each a reset + the path + the byte.
    const probes = GATING_START_PATHS.length * 256;
    expect(writes).toBe(GATING_START_PATHS.reduce((n, p) => n + 256 * (p.length + 2), 0) + 1);
    expect(probes).toBe(1280);
  });

  it('BZ-FC-04 (new-bit-only matching) is caught by P-STATUS', () => {
    const { r } = gating('BZ-FC-04');
    expect(r.violations[0]?.property).toBe('P-STATUS');
    expect(r.violations.some((v) => /Status=DRV_OK/.test(v.summary) || /Status=DRV\b/.test(v.summary))).toBe(true);
  });
});
