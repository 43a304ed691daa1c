// P-FEAT, suppression mode: the negotiated VIRTIO_F_EVENT_IDX decides, on every queue,
// which fields each side may use (§2.7.7, §2.7.10):
//  - without it, the device ignores used_event (NOTIF-DEV-1) and the driver avail_event
//    (NOTIF-DRV-5): neither side reads them, and the device never writes avail_event (no
//    numbered requirement says so; DESIGN's P-FEAT does) — the driver harness plants guard
//    bytes there (`drv.guard`), so a write is caught even when the writer is not traced;
//    flags stay 0 or 1 (NOTIF-DRV-1, NOTIF-DEV-5);
//  - with it, avail.flags (NOTIF-DRV-2) and used.flags (NOTIF-DEV-6) stay 0.
// A device that computes its mode from the wrong bits (BZ-KVT-04) shows up here first.

import type { Oracle, OracleContext, OracleRun, SharedViews, Violation } from './types.ts';
import type { ProtocolEvent } from './decode.ts';
import type { RingView } from './ring-view.ts';

class SuppressionModeRun implements OracleRun {
  readonly violations: Violation[] = [];
  constructor(private readonly judgeDriver: boolean, private readonly rings: RingView) {}

  /** Which rule was already reported on which queue: one violation each, so a fault repeated on every pop does not hide the next rule. */
  private readonly reported = new Set<string>();

  /** `rule` names the check and the queue/field it caught: reported once each. */
  private report(driver: boolean, requirements: string[], at: number, rule: string, summary: string, why: string): void {
    if (this.violations.length >= 8 || (driver && !this.judgeDriver)) return;
    if (this.reported.has(rule)) return;
    this.reported.add(rule);
    const mode = this.rings.eventIdx ? 'EVENT_IDX negotiated' : 'EVENT_IDX not negotiated';
    this.violations.push({ property: 'P-FEAT', requirements, at, summary: `${summary} (${mode})`, explanation: `The negotiated suppression mode applies to every queue: ${why}.` });
  }

  onEvent(ev: ProtocolEvent, at: number): void {
    switch (ev.t) {
      case 'mem.commit': {
        const guard = this.rings.guards.get(ev.addr);
        if (guard && ev.value !== guard.value) {
          // No numbered requirement forbids the write: P-FEAT's "behaviour depends only on the negotiated set".
          this.report(false, [], at, `guard ${guard.q} ${guard.field}`, `guard bytes at vq${guard.q} ${guard.field} overwritten with ${ev.value}`,
            `without EVENT_IDX ${guard.field} is no one's to use; the driver harness left ${guard.value} there and it changed`);
        }
        return;
      }
      case 'mem.load': {
        const f = this.rings.current;
        if (!f || this.rings.eventIdx) return;
        if (ev.side === 'dev' && f.field === 'usedEvent') this.report(false, ['NOTIF-DEV-1'], at, `dev-load ${f.q} usedEvent`, `device read vq${f.q} used_event`, 'without EVENT_IDX the device ignores used_event');
        if (ev.side === 'drv' && f.field === 'availEvent') this.report(true, ['NOTIF-DRV-5'], at, `drv-load ${f.q} availEvent`, `driver read vq${f.q} avail_event`, 'without EVENT_IDX the driver ignores avail_event');
        return;
      }
      case 'mem.store': {
        const f = this.rings.current;
        if (!f) return;
        const ei = this.rings.eventIdx;
        if (ev.side === 'dev' && f.field === 'availEvent' && !ei) this.report(false, [], at, `dev-store ${f.q} availEvent`, `device wrote vq${f.q} avail_event=${ev.value}`, 'without EVENT_IDX avail_event is not the device\'s to use');
        if (ev.side === 'dev' && f.field === 'usedFlags' && (ei ? ev.value !== 0 : ev.value > 1)) {
          this.report(false, [ei ? 'NOTIF-DEV-6' : 'NOTIF-DEV-5'], at, `dev-store ${f.q} usedFlags`, `device wrote vq${f.q} used.flags=${ev.value}`, ei ? 'with EVENT_IDX used.flags MUST be 0 (the device asks through avail_event)' : 'used.flags is 0 or 1');
        }
        if (ev.side === 'drv' && f.field === 'availFlags' && (ei ? ev.value !== 0 : ev.value > 1)) {
          this.report(true, [ei ? 'NOTIF-DRV-2' : 'NOTIF-DRV-1'], at, `drv-store ${f.q} availFlags`, `driver wrote vq${f.q} avail.flags=${ev.value}`, ei ? 'with EVENT_IDX avail.flags MUST be 0 (the driver asks through used_event)' : 'avail.flags is 0 or 1');
        }
        return;
      }
      default:
        return;
    }
  }

  finish(): void {}
}

export const suppressionModeOracle: Oracle = {
  property: 'P-FEAT',
  description: 'each side uses exactly the suppression fields of the negotiated mode, on every queue (guard bytes without EVENT_IDX)',
  events: ['mem.commit', 'mem.load', 'mem.store'],
  memory: 'ring-fields',
  start: (ctx: OracleContext, shared: SharedViews) => new SuppressionModeRun(ctx.judgeDriver, shared.rings),
};
