// P-FEAT: feature negotiation (models/feature-negotiation.machine.ts): select before
// access, only offered bits, dependencies closed (MQ ⇒ CTRL_VQ), frozen after
// FEATURES_OK, and the device refuses an invalid set. §2.2, §3.1.1 steps 4–6, §4.2.2.

import { initialTransition, type SnapshotFrom } from 'xstate';
import { featureNegotiationMachine, memoStepper, type FeatureEvent } from '../../models/index.ts';
import { STATUS } from '../../spec/facts/status-bits.ts';
import { NET_CONFIG, NET_MIN_MTU } from '../../spec/facts/net.ts';
import { MMIO_UNSUPPORTED_FEATURES, VIRTIO_F, VIRTIO_F_EXPERIMENTAL, VIRTIO_NET_F, featureMask, formatFeatures, hasFeature, unhonourableOffer, unmetDependency } from '../../spec/facts/feature-bits.ts';
import { VIRTIO_F_EXPERIMENTAL_MMIO_MSI } from '../../spec/facts/msi-registers.ts';
import type { Oracle, OracleRun, Violation } from './types.ts';
import type { ProtocolEvent } from './decode.ts';

type Snap = SnapshotFrom<typeof featureNegotiationMachine>;

const WHY: Record<FeatureEvent['type'], { ids: string[]; why: string }> = {
  'drv.selectDeviceFeatures': { ids: ['MMIO-DRV-6'], why: 'selector out of range' },
  'drv.readDeviceFeatures': { ids: ['MMIO-DRV-6'], why: 'DeviceFeaturesSel must be written before DeviceFeatures is read' },
  'drv.selectDriverFeatures': { ids: ['MMIO-DRV-6'], why: 'selector out of range' },
  'drv.writeDriverFeatures': { ids: ['FEAT-DRV-1', 'STATUS-DRV-7', 'MMIO-DRV-6'], why: 'only offered bits, after selecting the word, before FEATURES_OK' },
  'drv.setFeaturesOk': { ids: ['FEAT-DRV-1', 'FEAT-DRV-2', 'FEAT-DRV-3'], why: 'the accepted set must be offered, closed under dependencies and valid for the transport' },
  'dev.featuresOk': { ids: ['FEAT-DEV-2'], why: 'a device must refuse FEATURES_OK for an invalid feature set, and an answer once given stands until reset' },
  reset: { ids: [], why: '' },
};

/** The suite's EXPERIMENTAL bits (MULTI_IRQ, MMIO MSI): offered by the proposals under judgement, not reserved bits here. */
const EXPERIMENTAL_BITS = featureMask(VIRTIO_F_EXPERIMENTAL.MMIO_MULTI_IRQ, VIRTIO_F_EXPERIMENTAL_MMIO_MSI);
/** The answer a status read-back gives after FEATURES_OK was written (§3.1.1 step 6). */
const READ_BACK_SET: FeatureEvent = { type: 'dev.featuresOk', accepted: true };
const READ_BACK_CLEAR: FeatureEvent = { type: 'dev.featuresOk', accepted: false };

/** virtio-net config fields that depend on a feature, with the range the device must fill them with (§5.1.4.1). */
const EARLY_FIELDS = [
  { name: 'mtu', off: NET_CONFIG.mtu, feature: VIRTIO_NET_F.MTU, min: NET_MIN_MTU, max: 0xffff },
  { name: 'max_virtqueue_pairs', off: NET_CONFIG.maxVirtqueuePairs, feature: VIRTIO_NET_F.MQ, min: 1, max: 0x8000 },
] as const;

/** Which of FEATURES_OK's conditions the accepted set breaks (the statechart's guard tests them together). */
function setFeaturesOkProblem(c: Snap['context']): { ids: string[]; why: string } {
  const ids: string[] = [];
  const why: string[] = [];
  if ((c.accepted & ~c.offered) !== 0n) { ids.push('FEAT-DRV-1'); why.push(`${formatFeatures(c.accepted & ~c.offered)} never offered`); }
  const unmet = unmetDependency(c.accepted);
  if (unmet) { ids.push('FEAT-DRV-2'); why.push(`${unmet.name} without its prerequisites`); }
  const unsupported = c.transport === 'mmio' ? c.accepted & featureMask(...MMIO_UNSUPPORTED_FEATURES) : 0n;
  if (unsupported !== 0n) { ids.push('FEAT-DRV-3'); why.push(`${formatFeatures(unsupported)} not supported by virtio-mmio (§4.2.5)`); }
  return ids.length ? { ids, why: `the accepted set must be offered, closed under dependencies and valid for the transport — here ${why.join('; ')}` } : WHY['drv.setFeaturesOk'];
}

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
  /** The driver wrote FEATURES_OK since the last reset: status reads from now on show the device's answer. */
  private featuresOkWritten = false;
  /** The driver wrote DriverFeatures since the last reset: it chose a subset of the offer. */
  private subsetWritten = false;
  constructor(private readonly judgeDriver: boolean, private readonly pci: boolean, private readonly mmioVersion: 1 | 2) {
    this.snap = pci ? initialPciOther : initial;
  }

  private feed(ev: FeatureEvent, at: number): void {
    const before = this.snap;
    const { snapshot, accepted } = step(before, ev);
    if (!accepted && this.violations.length < 8 && (this.judgeDriver || ev.type === 'dev.featuresOk')) {
      const { ids, why } = before.value === 'refused' && ev.type === 'dev.featuresOk'
        // §2.2.2 / §3.1.1 step 6: a refusal is FEATURES_OK left clear, in every read-back until reset.
        ? { ids: ['STATUS-DEV-5', 'FEAT-DEV-2'], why: 'a device that cannot accept the feature set must leave FEATURES_OK clear, so the driver reads it back clear' }
        : ev.type === 'drv.setFeaturesOk' ? setFeaturesOkProblem(before.context) : WHY[ev.type];
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
      case 'drv.writeDriverFeatures': this.feed({ type: 'drv.writeDriverFeatures', value: ev.value }, at); this.subsetWritten = true; break;
      case 'drv.writeStatus':
        if (ev.value === 0) { this.feed({ type: 'reset' }, at); this.wordsRead = 0; this.featuresOkWritten = false; this.subsetWritten = false; }
        else if (ev.value & STATUS.FAILED && !(this.status & STATUS.FAILED)) this.judgeFailed(at);
        else if (ev.value & STATUS.FEATURES_OK && !(this.status & STATUS.FEATURES_OK) && !this.featuresOkWritten) {
          this.judgeFeaturesOk(at);
          this.feed({ type: 'drv.setFeaturesOk' }, at);
          this.featuresOkWritten = true;
        }
        this.status = ev.value;
        break;
      case 'drv.readStatus':
        // §3.1.1 step 6 and every later read (Linux virtio_add_status reads before each write):
        // the device's answer to FEATURES_OK, which stands until reset (§2.2).
        // Only while the driver's own status keeps FEATURES_OK (Linux ORs FAILED into a refused
        // read-back, so a refusal stays judged): a driver that wrote it away is P-STATUS's matter.
        if (this.featuresOkWritten && (this.status & STATUS.FEATURES_OK || this.snap.value === 'refused')) {
          this.feed(ev.value & STATUS.FEATURES_OK ? READ_BACK_SET : READ_BACK_CLEAR, at);
        }
        break;
      case 'drv.readConfig':
        if (!this.pci && !this.featuresOkWritten && ev.size === 2) this.judgeEarlyConfigRead(ev.off, ev.value, at);
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

  /**
   * The offer (both DeviceFeatures words), once per run — the device offers the same set after
   * every reset: FEAT-DEV-1 (closed under dependencies, MQ ⇒ CTRL_VQ …), FEAT-DEV-3 (no bit it
   * could not honour), FEAT-DEV-5 (a Version 2, i.e. modern, MMIO device offers VERSION_1, §6.2).
   */
  private judgeOffer(at: number): void {
    this.offerJudged = true;
    const offered = this.snap.context.offered;
    const unmet = unmetDependency(offered);
    if (unmet !== undefined) {
      this.report(at, ['FEAT-DEV-1'], `device offered ${unmet.name} without its prerequisites (offered ${formatFeatures(offered)})`,
        `Let the device offer ${formatFeatures(offered)}. Then every offered bit's prerequisites must be offered too (FEAT-DEV-1). However ${unmet.name} (bit ${unmet.feature}, §${unmet.section}) is offered without any of the groups it requires.`);
    }
    const bad = unhonourableOffer(offered, this.pci ? 'pci' : 'mmio', EXPERIMENTAL_BITS);
    if (bad !== undefined) {
      this.report(at, ['FEAT-DEV-3'], `device offered ${formatFeatures(featureMask(bad.bit))}, which it could not honour (offered ${formatFeatures(offered)})`,
        `Let the device offer ${formatFeatures(offered)}. Then it offers only bits it could honour if the driver accepted them (FEAT-DEV-3, §2.2.2). However bit ${bad.bit} is ${bad.why}.`);
    }
    if (!this.pci && this.mmioVersion === 2 && !hasFeature(offered, VIRTIO_F.VERSION_1)) {
      this.report(at, ['FEAT-DEV-5'], `Version 2 device did not offer VERSION_1 (offered ${formatFeatures(offered)})`,
        `Let the device's Version register read 2 (the modern register layout, §4.2.2). Then it is a modern device and MUST offer VIRTIO_F_VERSION_1 (FEAT-DEV-5, §6.2). However its offer ${formatFeatures(offered)} lacks bit 32.`);
    }
  }

  /**
   * The driver writes FEATURES_OK: its accepted set is final. FEAT-DRV-6 (§6.1): VERSION_1, when
   * offered, is accepted. FEAT-DRV-9 (§2.2.3): a device that did not offer VERSION_1 is a legacy
   * device, which has no FEATURES_OK step (§3.1.2) — a transitional driver leaves out steps 5–6.
   */
  private judgeFeaturesOk(at: number): void {
    if (!this.judgeDriver) return;
    const { offered, accepted } = this.snap.context;
    if (hasFeature(offered, VIRTIO_F.VERSION_1) && !hasFeature(accepted, VIRTIO_F.VERSION_1)) {
      this.report(at, ['FEAT-DRV-6'], `driver set FEATURES_OK without accepting the VERSION_1 it was offered (accepted ${formatFeatures(accepted)})`,
        `Let the device offer ${formatFeatures(offered)}. Then the driver MUST accept VIRTIO_F_VERSION_1 (FEAT-DRV-6, §6.1). However it set FEATURES_OK with ${formatFeatures(accepted)}.`);
    } else if (!this.pci && this.wordsRead === 3 && !hasFeature(offered, VIRTIO_F.VERSION_1)) { // both words read: the whole offer
      this.report(at, ['FEAT-DRV-9'], `driver set FEATURES_OK for a device that did not offer VERSION_1 (a legacy device)`,
        `Let the device offer ${formatFeatures(offered)}, without VIRTIO_F_VERSION_1. Then it is a legacy device and a transitional driver treats it as one (FEAT-DRV-9, §2.2.3): the legacy initialisation has no FEATURES_OK step (§3.1.2). However the driver wrote FEATURES_OK.`);
    }
  }

  /**
   * FEAT-DRV-5 (§2.2.1): FAILED before the driver chose any subset, for an offer that gives no
   * reason to fail: whole (both words read), with VERSION_1 where the layout is modern, closed
   * under dependencies (FEAT-DEV-1) and free of bits nobody could honour (FEAT-DEV-3). Linux's
   * virtio-net fails before finalize_features only for those (virtnet_validate_features; the
   * Version 2 check) — virtio-net has no feature a driver cannot do without (§5.1.3), and a
   * driver that needs one fails after choosing its subset (virtio_features_ok's ACCESS_PLATFORM
   * check). What is left is dismissing bits it does not know. The oracle assumes a net driver.
   */
  private judgeFailed(at: number): void {
    if (!this.judgeDriver || this.pci || this.featuresOkWritten || this.subsetWritten || this.wordsRead !== 3) return;
    const offered = this.snap.context.offered;
    if (this.mmioVersion === 2 && !hasFeature(offered, VIRTIO_F.VERSION_1)) return;
    if (unmetDependency(offered) !== undefined || unhonourableOffer(offered, 'mmio', EXPERIMENTAL_BITS) !== undefined) return;
    this.report(at, ['FEAT-DRV-5'], `driver set FAILED on a valid offer before choosing a subset (offered ${formatFeatures(offered)})`,
      `Let the device offer ${formatFeatures(offered)}: VERSION_1, closed under dependencies, no reserved or transport-unsupported bit. Then the driver accepts the subset it understands and ignores the rest; it MUST NOT fail merely because a bit it does not know is offered (FEAT-DRV-5, §2.2.1). However it set FAILED before writing any DriverFeatures.`);
  }

  /**
   * STATUS-DEV-6 (§2.5.2): before FEATURES_OK the device-specific config is readable, fields
   * that depend on an offered feature included — with their value, which has a range (§5.1.4.1):
   * mtu 68..65535 with MTU, max_virtqueue_pairs 1..0x8000 with MQ. A value outside it, read
   * before FEATURES_OK, is a field the device has not filled yet.
   */
  private judgeEarlyConfigRead(off: number, value: number, at: number): void {
    const offered = this.snap.context.offered;
    const field = EARLY_FIELDS.find((f) => f.off === off && hasFeature(offered, f.feature));
    if (field === undefined || (value >= field.min && value <= field.max)) return;
    this.report(at, ['STATUS-DEV-6'], `config ${field.name} read ${value} before FEATURES_OK with ${formatFeatures(featureMask(field.feature))} offered`,
      `Let the device offer ${formatFeatures(offered)}. Then its config is readable before FEATURES_OK, ${field.name} included (STATUS-DEV-6, §2.5.2), and ${field.name} is between ${field.min} and ${field.max} (§5.1.4.1). However the driver read ${value} before FEATURES_OK: the field was not filled yet.`);
  }

  private report(at: number, requirements: string[], summary: string, explanation: string): void {
    if (this.violations.length < 8) this.violations.push({ property: 'P-FEAT', requirements, at, summary, explanation });
  }

  /**
   * FEAT-DRV-4 (§2.2.1): a driver that cannot use the device for want of a feature — a needed
   * bit not offered, or its subset refused — falls back or sets FAILED and stops. A run that
   * went quiescent with the driver stopped mid-negotiation (DRIVER set, FEATURES_OK never
   * accepted, no DRIVER_OK) and without FAILED did neither. (A stop after FEATURES_OK was
   * accepted is not about features: §3.1.1 asks FAILED there only as a SHOULD.)
   */
  finish(end: ProtocolEvent, at: number): void {
    if (end.t !== 'quiescent' || !this.judgeDriver) return;
    const s = this.status;
    const stoppedNegotiating = (s & STATUS.DRIVER) !== 0 && (s & (STATUS.DRIVER_OK | STATUS.FAILED)) === 0 && this.snap.value !== 'agreed';
    if (!stoppedNegotiating) return;
    this.report(at, ['FEAT-DRV-4'], `quiescent with the driver stopped during feature negotiation without FAILED (status 0x${s.toString(16)}, negotiation ${String(this.snap.value)})`,
      `Let the driver stop initialising during feature negotiation (it wrote status 0x${s.toString(16)}; negotiation is ${String(this.snap.value)}). Then, unable to fall back, it MUST set FAILED (FEAT-DRV-4, §2.2.1). However it never wrote FAILED.`);
  }
}

export const featureOracle: Oracle = {
  property: 'P-FEAT',
  description: 'feature negotiation follows the statechart (offered, dependencies, frozen, refused when invalid)',
  events: ['drv.readConfig', 'drv.readDeviceFeatures', 'drv.readStatus', 'drv.selectDeviceFeatures', 'drv.selectDriverFeatures', 'drv.writeDriverFeatures', 'drv.writeStatus', 'note'],
  notes: ['dev.featuresOk'],
  start: (ctx) => new FeatRun(ctx.judgeDriver, ctx.transport === 'pci', ctx.mmioVersion),
};
