// P-FEAT: feature negotiation (models/feature-negotiation.machine.ts): select before
// access, only offered bits, dependencies closed (MQ ⇒ CTRL_VQ), frozen after
// FEATURES_OK, and the device refuses an invalid set. §2.2, §3.1.1 steps 4–6, §4.2.2.

import { initialTransition, type SnapshotFrom } from 'xstate';
import { featureNegotiationMachine, memoStepper, type FeatureEvent } from '../../models/index.ts';
import { STATUS } from '../../spec/facts/status-bits.ts';
import { formatFeatures, unmetDependency } from '../../spec/facts/feature-bits.ts';
import type { Oracle, OracleRun, Violation } from './types.ts';
import type { ProtocolEvent } from './decode.ts';

type Snap = SnapshotFrom<typeof featureNegotiationMachine>;

const WHY: Record<FeatureEvent['type'], { ids: string[]; why: string }> = {
  'drv.selectDeviceFeatures': { ids: ['MMIO-DRV-6'], why: 'selector out of range' },
  'drv.readDeviceFeatures': { ids: ['MMIO-DRV-6'], why: 'DeviceFeaturesSel must be written before DeviceFeatures is read' },
  'drv.selectDriverFeatures': { ids: ['MMIO-DRV-6'], why: 'selector out of range' },
  'drv.writeDriverFeatures': { ids: ['FEAT-DRV-1', 'STATUS-DRV-7', 'MMIO-DRV-6'], why: 'only offered bits, after selecting the word, before FEATURES_OK' },
  'drv.setFeaturesOk': { ids: ['FEAT-DRV-1', 'FEAT-DRV-2', 'FEAT-DRV-3'], why: 'the accepted set must be offered, closed under dependencies and valid for the transport' },
  'dev.featuresOk': { ids: ['FEAT-DEV-2'], why: 'a device must refuse FEATURES_OK for an invalid feature set' },
  reset: { ids: [], why: '' },
};

const step = memoStepper(featureNegotiationMachine);
const initial: Snap = initialTransition(featureNegotiationMachine, { transport: 'mmio', deviceType: 'net' })[0];
/** PCI hook: a virtio-pci device other than net (v86's console) — transport features allowed over PCI, no net dependencies. */
const initialPciOther: Snap = initialTransition(featureNegotiationMachine, { transport: 'pci', deviceType: 'other' })[0];

class FeatRun implements OracleRun {
  readonly violations: Violation[] = [];
  private snap: Snap;
  private status = 0;
  /** DeviceFeatures words (by selector) the driver read since the last reset; the offer is judged once both are in. */
  private wordsRead = 0;
  private offerJudged = false;
  constructor(private readonly judgeDriver: boolean, pci: boolean) {
    this.snap = pci ? initialPciOther : initial;
  }

  private feed(ev: FeatureEvent, at: number): void {
    const before = this.snap;
    const { snapshot, accepted } = step(before, ev);
    if (!accepted && this.violations.length < 8 && (this.judgeDriver || ev.type === 'dev.featuresOk')) {
      const { ids, why } = WHY[ev.type];
      this.violations.push({
        property: 'P-FEAT', requirements: ids, at,
        summary: `${ev.type} rejected in ${String(before.value)} (accepted ${formatFeatures(before.context.accepted)})`,
        explanation: `Feature negotiation does not allow this: ${why}.`,
      });
    }
    this.snap = snapshot;
  }

  onEvent(ev: ProtocolEvent, at: number): void {
    switch (ev.t) {
      case 'drv.selectDeviceFeatures': this.feed({ type: 'drv.selectDeviceFeatures', sel: ev.sel }, at); break;
      case 'drv.readDeviceFeatures': {
        const sel = this.snap.context.deviceFeaturesSel;
        this.feed({ type: 'drv.readDeviceFeatures', value: ev.value }, at);
        if (sel === 0 || sel === 1) this.wordsRead |= 1 << sel;
        if (this.wordsRead === 3 && !this.offerJudged) this.judgeOffer(at);
        break;
      }
      case 'drv.selectDriverFeatures': this.feed({ type: 'drv.selectDriverFeatures', sel: ev.sel }, at); break;
      case 'drv.writeDriverFeatures': this.feed({ type: 'drv.writeDriverFeatures', value: ev.value }, at); break;
      case 'drv.writeStatus':
        if (ev.value === 0) { this.feed({ type: 'reset' }, at); this.wordsRead = 0; }
        else if (ev.value & STATUS.FEATURES_OK && !(this.status & STATUS.FEATURES_OK)) this.feed({ type: 'drv.setFeaturesOk' }, at);
        this.status = ev.value;
        break;
      case 'note':
        if (ev.name === 'dev.featuresOk') {
          const accepted = ev.data.accepted === true;
          this.feed({ type: 'dev.featuresOk', accepted }, at);
          if (accepted) this.judgeAcceptedSet(BigInt(Number(ev.data.lo ?? 0) >>> 0) | (BigInt(Number(ev.data.hi ?? 0) >>> 0) << 32n), at);
        }
        break;
      default: break;
    }
  }

  /**
   * FEAT-DEV-2 on the set the device itself says it validated: even when the statechart
   * never recorded the driver's write (it rejected it as unoffered), a device that keeps
   * FEATURES_OK for a set with unoffered bits or unmet dependencies accepted an invalid set.
   */
  private judgeAcceptedSet(set: bigint, at: number): void {
    const offered = this.snap.context.offered;
    if (this.violations.length >= 8 || this.wordsRead !== 3) return; // the offer is not known in full
    const unoffered = set & ~offered;
    const unmet = unmetDependency(set);
    if (unoffered === 0n && unmet === undefined) return;
    this.violations.push({
      property: 'P-FEAT', requirements: ['FEAT-DEV-2'], at,
      summary: `device kept FEATURES_OK for ${formatFeatures(set)}, ${unoffered !== 0n ? `with ${formatFeatures(unoffered)} never offered` : `${unmet!.name} without its prerequisites`}`,
      explanation: 'A device must leave FEATURES_OK clear when the driver\'s set is not a valid subset of its offer (§2.2.2): the driver now believes it has features the device does not honour.',
    });
  }

  /** FEAT-DEV-1: the offer (both DeviceFeatures words) is closed under the dependencies (MQ ⇒ CTRL_VQ …). */
  private judgeOffer(at: number): void {
    this.offerJudged = true; // once per run: the device offers the same set after every reset
    const offered = this.snap.context.offered;
    const unmet = unmetDependency(offered);
    if (unmet === undefined || this.violations.length >= 8) return;
    this.violations.push({
      property: 'P-FEAT', requirements: ['FEAT-DEV-1'], at,
      summary: `device offered ${unmet.name} without its prerequisites (offered ${formatFeatures(offered)})`,
      explanation: `Let the device offer ${formatFeatures(offered)}. Then every offered bit's prerequisites must be offered too (FEAT-DEV-1). However ${unmet.name} (bit ${unmet.feature}, §${unmet.section}) is offered without any of the groups it requires.`,
    });
  }

  finish(): void {}
}

export const featureOracle: Oracle = {
  property: 'P-FEAT',
  description: 'feature negotiation follows the statechart (offered, dependencies, frozen, refused when invalid)',
  events: ['drv.readDeviceFeatures', 'drv.selectDeviceFeatures', 'drv.selectDriverFeatures', 'drv.writeDriverFeatures', 'drv.writeStatus', 'note'],
  notes: ['dev.featuresOk'],
  start: (ctx) => new FeatRun(ctx.judgeDriver, ctx.transport === 'pci'),
};
