// P-CFG: a configuration change raised while the driver is not ready is neither lost nor
// delivered early (§2.5, §3.1.1; Linux 22b7050a "virtio: defer config changed
// notifications"). The device may raise one before DRIVER_OK (the device statechart allows
// it); the driver must not run its config handler before DRIVER_OK, and every change must
// be handled at least once after it was raised — by the end of the run.

import { STATUS } from '../../spec/facts/status-bits.ts';
import type { Oracle, OracleContext, OracleRun, Violation } from './types.ts';
import type { ProtocolEvent } from './decode.ts';

class CfgRun implements OracleRun {
  readonly violations: Violation[] = [];
  private driverOk = false;
  /** The latest change not yet followed by a handler run, and where it was raised. */
  private unhandledAt = -1;
  private generation = 0;

  constructor(private readonly judgeDriver: boolean) {}

  private report(at: number, summary: string, explanation: string): void {
    if (this.violations.length >= 8 || !this.judgeDriver) return;
    this.violations.push({ property: 'P-CFG', requirements: [], at, summary, explanation });
  }

  onEvent(ev: ProtocolEvent, at: number): void {
    if (ev.t === 'drv.writeStatus') {
      if (ev.value === 0) { this.driverOk = false; this.unhandledAt = -1; } // reset: a new epoch
      else if (ev.value & STATUS.DRIVER_OK) this.driverOk = true;
      return;
    }
    if (ev.t !== 'note') return;
    if (ev.name === 'dev.configChange') {
      this.unhandledAt = at;
      this.generation = Number(ev.data.generation ?? 0);
    } else if (ev.name === 'drv.configChanged') {
      if (!this.driverOk) {
        this.report(at, 'config change handled before DRIVER_OK (delivered early)',
          'Let the device raise a configuration change while the driver is still initialising. Then the driver must defer it ' +
          '(config_change_pending) until it is ready. However its config handler ran during probe, racing driver initialisation.');
      }
      this.unhandledAt = -1;
    }
  }

  finish(end: ProtocolEvent, at: number): void {
    if (end.t !== 'quiescent' || this.unhandledAt < 0) return;
    this.report(at, `config change (generation ${this.generation}) raised at #${this.unhandledAt} never handled (lost)`,
      `Let the device raise a configuration change at #${this.unhandledAt}. Then the driver owes it one run of its config handler, ` +
      'deferred if it came before the driver was ready. However the run went quiet without one: the change is lost.');
  }
}

export const cfgOracle: Oracle = {
  property: 'P-CFG',
  description: 'a config change is handled after it is raised, and never before DRIVER_OK (neither lost nor early)',
  events: ['drv.writeStatus', 'note'],
  notes: ['dev.configChange', 'drv.configChanged'],
  start: (ctx: OracleContext) => new CfgRun(ctx.judgeDriver),
};
