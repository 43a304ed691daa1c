// P-MMIO's probe rules (§4.2.2.2, §4.2.3.1.1): the driver starts by reading MagicValue and
// Version, then DeviceID (MMIO-DRV-13); a window whose MagicValue is wrong (MMIO-DRV-3),
// whose Version this driver does not drive (MMIO-DRV-4), or whose DeviceID is 0 (MMIO-DRV-5)
// is left alone — no other register access — and a placeholder is ignored silently.
// The shared-memory registers are used only by drivers that expect regions (MMIO-DRV-14).

import { MMIO, MMIO_MAGIC } from '../../spec/facts/mmio-registers.ts';

type Fail = (requirements: string[], at: number, summary: string, explanation: string) => void;

/**
 * Versions a transitional driver may drive: 2, and legacy 1 (§4.2.4; Linux vm_probe accepts
 * 1 and 2). MMIO-DRV-4's "not 0x2" is the non-transitional driver's reading of the same rule.
 */
const DRIVABLE_VERSIONS: ReadonlySet<number> = new Set([1, 2]);

const SHM_REGISTERS: ReadonlySet<number> = new Set([MMIO.SHMSel, MMIO.SHMLenLow, MMIO.SHMLenHigh, MMIO.SHMBaseLow, MMIO.SHMBaseHigh]);

const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;

export class MmioProbeRules {
  private magicRead = false;
  private versionRead = false;
  /** 'identity': until MagicValue and Version are read; 'device-id': DeviceID next; 'probed': done. */
  private phase: 'identity' | 'device-id' | 'probed' = 'identity';
  /** Set once the driver must leave the window alone: the requirement that says so, and why. */
  private ignored: { id: string; why: string; at: number } | undefined;
  private reportedAccess = false;
  private reportedShm = false;

  constructor(private readonly fail: Fail) {}

  /** Every register access of the driver, in order (before the other P-MMIO rules); `name` names a register for messages. */
  onAccess(off: number, write: boolean, value: number, at: number, name: (off: number) => string): void {
    if (this.phase === 'probed' && this.ignored === undefined && !SHM_REGISTERS.has(off)) return; // the hot path: nothing to judge
    const access = `${write ? 'wrote' : 'read'} ${name(off)}`;
    if (this.ignored) {
      if (this.reportedAccess) return;
      this.reportedAccess = true;
      const { id, why } = this.ignored;
      const ids = id === 'MMIO-DRV-5' ? ['MMIO-DRV-5', 'MMIO-DRV-13'] : [id];
      this.fail(ids, at, `driver ${access} of a window it must ignore (${why})`,
        `Let ${why} (#${this.ignored.at}). Then the driver must ignore the device and access no other register (${ids.join(', ')}). However it ${access}.`);
      return;
    }
    if (this.phase === 'probed') {
      if (SHM_REGISTERS.has(off) && !this.reportedShm) {
        this.reportedShm = true;
        this.fail(['MMIO-DRV-14'], at, `driver ${access}, a shared memory register, though virtio-net has no shared memory regions`,
          `Let the device be a network device, which defines no shared memory regions (§5.1). Then its driver expects none and must not use SHMSel, SHMLen or SHMBase (MMIO-DRV-14). However it ${access}.`);
      }
      return;
    }
    if (this.phase === 'identity') {
      if (!write && off === MMIO.MagicValue) {
        this.magicRead = true;
        if (value !== MMIO_MAGIC) this.ignored = { id: 'MMIO-DRV-3', why: `MagicValue read ${hex(value)}, not "virt"`, at };
      } else if (!write && off === MMIO.Version) {
        this.versionRead = true;
        if (!DRIVABLE_VERSIONS.has(value)) this.ignored = { id: 'MMIO-DRV-4', why: `Version read ${value}, which this driver does not drive`, at };
      } else {
        this.outOfOrder(access, at, 'before it read and checked MagicValue and Version');
      }
      if (this.magicRead && this.versionRead && !this.ignored) this.phase = 'device-id';
      return;
    }
    // phase 'device-id'
    if (write || off !== MMIO.DeviceID) {
      this.outOfOrder(access, at, 'between checking MagicValue and Version and reading DeviceID');
      return;
    }
    this.phase = 'probed';
    if (value === 0) this.ignored = { id: 'MMIO-DRV-5', why: 'DeviceID read 0 (a placeholder with no function)', at };
  }

  /** A note of the driver's: an error reported for a placeholder breaks MMIO-DRV-5's "no error". */
  onProbeNote(name: string, data: Readonly<Record<string, unknown>>, at: number): void {
    const placeholder = this.ignored?.id === 'MMIO-DRV-5';
    const error = name === 'drv.probeFailed' || (name === 'drv.probeIgnored' && data.reported === true);
    if (!placeholder || !error) return;
    this.fail(['MMIO-DRV-5'], at, 'driver reported an error for a DeviceID 0 placeholder',
      `Let DeviceID read 0 (#${this.ignored!.at}): a placeholder with no function. Then the driver must ignore it and report no error (MMIO-DRV-5). However it reported one${data.register ? ` (about ${String(data.register)})` : ''}.`);
  }

  private outOfOrder(access: string, at: number, when: string): void {
    if (this.reportedAccess) return;
    this.reportedAccess = true;
    this.fail(['MMIO-DRV-13'], at, `driver ${access} ${when}`,
      `Let the driver begin initialisation. Then it must first read and check MagicValue and Version, then read DeviceID (MMIO-DRV-13). However it ${access} ${when}.`);
  }
}
