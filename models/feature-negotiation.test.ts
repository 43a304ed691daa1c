// Unit tests for the feature-negotiation oracle: §2.2.1/§2.2.2 (FEAT-DRV-1..3, FEAT-DEV-2),
// §3.1.1 steps 4–6 (STATUS-DRV-7), §4.2.2.2 MMIO-DRV-6 and §4.2.5 (ADMIN_VQ on MMIO).
import { describe, it, expect } from 'vitest';
import { initialTransition } from 'xstate';
import type { SnapshotFrom } from 'xstate';
import { toDirectedGraph } from 'xstate/graph';
import type { DirectedGraphNode } from 'xstate/graph';
import { VIRTIO_F, VIRTIO_NET_F, featureMask } from '../spec/facts/feature-bits.ts';
import { featureNegotiationMachine, hasObligation } from './index.ts';
import { allNodeIds, replayMachine } from './replay.test-helper.ts';
import type { FeatureEvent, FeatureNegotiationInput } from './index.ts';

type Snapshot = SnapshotFrom<typeof featureNegotiationMachine>;
interface Fixture {
  name: string;
  input: FeatureNegotiationInput;
  steps: { event: FeatureEvent; accepted: boolean }[];
}

const ok = (event: FeatureEvent) => ({ event, accepted: true });
const no = (event: FeatureEvent) => ({ event, accepted: false });
const lo = (set: bigint) => Number(set & 0xffff_ffffn);
const hi = (set: bigint) => Number((set >> 32n) & 0xffff_ffffn);

/** Driver reads both DeviceFeatures words of `offered` (select, read; Linux reads word 1 first). */
const readOffer = (offered: bigint) => [
  ok({ type: 'drv.selectDeviceFeatures', sel: 1 }), ok({ type: 'drv.readDeviceFeatures', value: hi(offered) }),
  ok({ type: 'drv.selectDeviceFeatures', sel: 0 }), ok({ type: 'drv.readDeviceFeatures', value: lo(offered) }),
];
/** Driver writes both DriverFeatures words of `accepted`, each expected to be `accepted`. */
const writeAccepted = (set: bigint, loOk = true, hiOk = true) => [
  ok({ type: 'drv.selectDriverFeatures', sel: 0 }), { event: { type: 'drv.writeDriverFeatures', value: lo(set) } as const, accepted: loOk },
  ok({ type: 'drv.selectDriverFeatures', sel: 1 }), { event: { type: 'drv.writeDriverFeatures', value: hi(set) } as const, accepted: hiOk },
];

const N = VIRTIO_NET_F;
const NET_OFFER = featureMask(VIRTIO_F.VERSION_1, VIRTIO_F.EVENT_IDX, N.CSUM, N.MAC, N.CTRL_VQ, N.MQ);
const MMIO_NET: FeatureNegotiationInput = { transport: 'mmio', deviceType: 'net' };
const PCI_NET: FeatureNegotiationInput = { transport: 'pci', deviceType: 'net' };

const FIXTURES: Fixture[] = [
  { name: 'Linux: read offer, accept a valid subset, FEATURES_OK, device agrees', input: MMIO_NET, steps: [
    ...readOffer(NET_OFFER), ...writeAccepted(featureMask(VIRTIO_F.VERSION_1, N.CTRL_VQ, N.MQ)),
    ok({ type: 'drv.setFeaturesOk' }), ok({ type: 'dev.featuresOk', accepted: true }), ok({ type: 'dev.featuresOk', accepted: true })] },
  { name: 'FEAT-DRV-2: MQ without CTRL_VQ at FEATURES_OK', input: MMIO_NET, steps: [
    ...readOffer(NET_OFFER), ...writeAccepted(featureMask(VIRTIO_F.VERSION_1, N.MQ)), no({ type: 'drv.setFeaturesOk' })] },
  { name: 'FEAT-DEV-2: device accepts MQ without CTRL_VQ', input: MMIO_NET, steps: [
    ...readOffer(NET_OFFER), ...writeAccepted(featureMask(VIRTIO_F.VERSION_1, N.MQ)), no({ type: 'drv.setFeaturesOk' }),
    no({ type: 'dev.featuresOk', accepted: true }), ok({ type: 'dev.featuresOk', accepted: false })] },
  { name: 'FEAT-DRV-1: accepting a bit that was not offered', input: MMIO_NET, steps: [
    ...readOffer(NET_OFFER), ...writeAccepted(featureMask(VIRTIO_F.VERSION_1, N.GUEST_CSUM), false, true)] },
  { name: 'STATUS-DRV-7: writing features after FEATURES_OK', input: MMIO_NET, steps: [
    ...readOffer(NET_OFFER), ...writeAccepted(featureMask(VIRTIO_F.VERSION_1)), ok({ type: 'drv.setFeaturesOk' }),
    no({ type: 'drv.writeDriverFeatures', value: 0 }), ok({ type: 'dev.featuresOk', accepted: true }),
    no({ type: 'drv.writeDriverFeatures', value: 0 })] },
  { name: 'FEAT-DRV-3: ADMIN_VQ (41) over MMIO', input: { transport: 'mmio', deviceType: 'other' }, steps: [
    ...readOffer(featureMask(VIRTIO_F.VERSION_1, VIRTIO_F.ADMIN_VQ)), ...writeAccepted(featureMask(VIRTIO_F.VERSION_1, VIRTIO_F.ADMIN_VQ)),
    no({ type: 'drv.setFeaturesOk' })] },
  { name: 'ADMIN_VQ (41) over PCI is fine', input: { transport: 'pci', deviceType: 'other' }, steps: [
    ...readOffer(featureMask(VIRTIO_F.VERSION_1, VIRTIO_F.ADMIN_VQ)), ...writeAccepted(featureMask(VIRTIO_F.VERSION_1, VIRTIO_F.ADMIN_VQ)),
    ok({ type: 'drv.setFeaturesOk' })] },
  { name: 'MMIO-DRV-6: DeviceFeatures read and DriverFeatures write before any select', input: MMIO_NET, steps: [
    no({ type: 'drv.readDeviceFeatures', value: lo(NET_OFFER) }), no({ type: 'drv.writeDriverFeatures', value: 0 })] },
  { name: 'PCI: no select-before-access rule, word 0 by default', input: PCI_NET, steps: [
    ok({ type: 'drv.readDeviceFeatures', value: lo(NET_OFFER) }), ok({ type: 'drv.writeDriverFeatures', value: lo(featureMask(N.CSUM)) })] },
  { name: 'device refuses; only a reset reopens negotiation', input: MMIO_NET, steps: [
    ...readOffer(NET_OFFER), ...writeAccepted(featureMask(VIRTIO_F.VERSION_1)), ok({ type: 'drv.setFeaturesOk' }),
    ok({ type: 'dev.featuresOk', accepted: false }), no({ type: 'dev.featuresOk', accepted: true }), no({ type: 'drv.setFeaturesOk' }),
    ok({ type: 'reset' }), ...writeAccepted(featureMask(VIRTIO_F.VERSION_1)), ok({ type: 'drv.setFeaturesOk' })] },
];

function replay(input: FeatureNegotiationInput, events: readonly FeatureEvent[]) {
  const r = replayMachine(featureNegotiationMachine, input, events);
  return { ...r, snapshot: r.snapshot as Snapshot };
}

describe('featureNegotiationMachine', () => {
  it.each(FIXTURES)('$name', ({ input, steps }) => {
    // Arrange
    const events = steps.map((s) => s.event);
    // Act
    const { accepted } = replay(input, events);
    // Assert
    expect(accepted).toEqual(steps.map((s) => s.accepted));
  });

  it('records offered and accepted sets across both words', () => {
    const fixture = FIXTURES[0];
    if (!fixture) throw new Error('fixture missing');
    const { snapshot } = replay(fixture.input, fixture.steps.map((s) => s.event));
    expect({ value: snapshot.value, offered: snapshot.context.offered, accepted: snapshot.context.accepted }).toEqual({
      value: 'agreed',
      offered: NET_OFFER,
      accepted: featureMask(VIRTIO_F.VERSION_1, N.CTRL_VQ, N.MQ),
    });
    expect(hasObligation(snapshot)).toBe(false);
  });

  it('keeps context bounded: a huge selector records nothing', () => {
    const { snapshot, accepted } = replay(PCI_NET, [
      { type: 'drv.selectDeviceFeatures', sel: 0xffff_ffff }, { type: 'drv.readDeviceFeatures', value: 0xffff_ffff },
      { type: 'drv.selectDriverFeatures', sel: 0xffff_ffff }, { type: 'drv.writeDriverFeatures', value: 1 },
    ]);
    expect({ accepted, offered: snapshot.context.offered }).toEqual({ accepted: [true, true, true, false], offered: 0n });
  });

  it('every state node is reached by an accepted step of a fixture (xstate/graph)', () => {
    const nodes = allNodeIds(toDirectedGraph(featureNegotiationMachine));
    const visited = new Set(FIXTURES.flatMap((f) => [...replay(f.input, f.steps.map((s) => s.event)).visited]));
    expect(nodes.filter((id) => !visited.has(id))).toEqual([]);
    expect(nodes.length).toBe(5);
  });
});
