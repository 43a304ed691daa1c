// P-CFG: a configuration change raised while the driver is not ready is neither lost nor
// delivered early (§2.5, §3.1.1; Linux 22b7050a "virtio: defer config changed
// notifications"). The device may raise one before DRIVER_OK (the device statechart allows
// it); the driver must not run its config handler before DRIVER_OK, and every change must
// be handled at least once after it was raised — by the end of the run.
// And the device side of a consistent read (§2.5.1, §4.2.2.1 MMIO-DEV-5): a driver that
// reads ConfigGeneration, then config, then ConfigGeneration again and finds the same value
// takes what it read as one snapshot; a config change in between must have changed the
// generation (QEMU virtio_notify_config: generation++ with every change).

import { STATUS } from '../../spec/facts/status-bits.ts';
import type { Oracle, OracleContext, OracleRun, Violation } from './types.ts';
import type { ProtocolEvent } from './decode.ts';

class CfgRun implements OracleRun {
  readonly violations: Violation[] = [];
  private driverOk = false;
  /** The latest change not yet followed by a handler run, and where it was raised. */
  private unhandledAt = -1;
  private generation = 0;
  /** The driver's last ConfigGeneration read, whether it read config since, and the last config change since (MMIO-DEV-5). */
  private genRead: { value: number; at: number } | undefined;
  private configReadSince = false;
  private changedSinceAt = -1;

  constructor(private readonly judgeDriver: boolean) {}

  /** MMIO-DEV-5: two equal generation reads around config reads and a change. A device rule: judged always. */
  private onGeneration(value: number, at: number): void {
    const prev = this.genRead;
    if (prev && prev.value === value && this.configReadSince && this.changedSinceAt >= 0 && this.violations.length < 8) {
      this.violations.push({
        property: 'P-CFG', requirements: ['MMIO-DEV-5'], at,
        summary: `config changed at #${this.changedSinceAt} between two ConfigGeneration reads that both returned ${value}`,
        explanation: `Let the driver read ConfigGeneration (${value}, #${prev.at}), then config, then ConfigGeneration again. ` +
          `Then a device that changed config in between must show a new generation, or the driver takes a torn read for a consistent one (MMIO-DEV-5, §2.5.1). ` +
          `However config changed at #${this.changedSinceAt} and the generation still reads ${value}.`,
      });
    }
    this.genRead = { value, at };
    this.configReadSince = false;
    this.changedSinceAt = -1;
  }

  private report(at: number, summary: string, explanation: string): void {
    if (this.violations.length >= 8 || !this.judgeDriver) return;
    this.violations.push({ property: 'P-CFG', requirements: [], at, summary, explanation });
  }

  onEvent(ev: ProtocolEvent, at: number): void {
    if (ev.t === 'drv.readGeneration') return this.onGeneration(ev.value, at);
    if (ev.t === 'drv.readConfig') { this.configReadSince = true; return; }
    if (ev.t === 'drv.writeStatus') {
      if (ev.value === 0) { this.driverOk = false; this.unhandledAt = -1; this.genRead = undefined; } // reset: a new epoch
      else if (ev.value & STATUS.DRIVER_OK) this.driverOk = true;
      return;
    }
    if (ev.t !== 'note') return;
    if (ev.name === 'dev.configChange') {
      this.unhandledAt = at;
      this.changedSinceAt = at;
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
  description: 'a config change is handled after it is raised, and never before DRIVER_OK (neither lost nor early); a change between two equal ConfigGeneration reads is a device that did not bump the generation (MMIO-DEV-5)',
  events: ['drv.writeStatus', 'drv.readGeneration', 'drv.readConfig', 'note'],
  notes: ['dev.configChange', 'drv.configChanged'],
  start: (ctx: OracleContext) => new CfgRun(ctx.judgeDriver),
};
