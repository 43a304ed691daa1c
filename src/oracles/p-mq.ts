// P-MQ: virtio-net multiqueue (§5.1.9.5.6) over models/net-mq.machine.ts — VQ_PAIRS_SET n is
// accepted iff MQ was negotiated and 1 ≤ n ≤ max_virtqueue_pairs (QEMU; the spec forbids the
// driver to ask otherwise, NET-MQ-DRV-2); the driver transmits only on open queues from the
// moment it submits (NET-MQ-DRV-3/4), the device receives only on active ones from the
// moment it completes (NET-MQ-DEV-2/3); and no packet is left behind on a receive queue the
// count change closed (no buffer lost when the count changes); and received packets are
// steered by flow (NET-MQ-DEV-4, MUST): while the pair count stands, every packet of a flow
// goes to one receive queue — unless the flow transmitted meanwhile, which lets the device
// move it to follow (the SHOULD: received on the receiveq of the transmitq it last used; not
// judged, nor is the MAY, any active queue for a flow without history).

import { initialTransition, type SnapshotFrom } from 'xstate';
import { hasObligation, memoStepper, netMqMachine, submitProblem, type NetMqEvent } from '../../models/index.ts';
import { STATUS } from '../../spec/facts/status-bits.ts';
import { VIRTIO_NET_F } from '../../spec/facts/feature-bits.ts';
import { NET_CONFIG, VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, VIRTIO_NET_OK, vq2pair } from '../../spec/facts/net.ts';
import type { NoteData } from '../kernel/index.ts';
import type { Oracle, OracleRun, Violation } from './types.ts';
import type { ProtocolEvent } from './decode.ts';

type Snap = SnapshotFrom<typeof netMqMachine>;

const step = memoStepper(netMqMachine);
const initial: Snap = initialTransition(netMqMachine)[0];

class MqRun implements OracleRun {
  readonly violations: Violation[] = [];
  private snap: Snap = initial;
  private status = 0;
  /** The control command the device answered, waiting for its used entry: queue and ack. */
  private answer: { q: number; ack: number; pairs: number; at: number } | undefined;
  private lastSubmitAt = -1;
  private completed = false;
  /** Packets waiting in the backend, per receive queue. */
  private readonly backlog = new Map<number, number>();
  /** Flow → the pair its packets were steered to, since the last count change or the flow's last transmit; and where. */
  private readonly flowPair = new Map<number, { pair: number; at: number }>();

  constructor(private readonly judgeDriver: boolean) {}

  private fail(at: number, requirements: string[], summary: string, explanation: string): void {
    if (this.violations.length < 8) this.violations.push({ property: 'P-MQ', requirements, at, summary, explanation });
  }

  private feed(ev: NetMqEvent, at: number): boolean {
    const { snapshot, accepted } = step(this.snap, ev);
    this.snap = snapshot;
    return accepted;
  }

  onEvent(ev: ProtocolEvent, at: number): void {
    switch (ev.t) {
      case 'drv.readConfig':
        if (ev.off === NET_CONFIG.maxVirtqueuePairs) this.feed({ type: 'config', maxPairs: ev.value & 0xffff }, at);
        return;
      case 'drv.writeStatus':
        if (ev.value & STATUS.DRIVER_OK && !(this.status & STATUS.DRIVER_OK)) this.feed({ type: 'driverOk' }, at);
        this.status = ev.value;
        return;
      case 'note':
        this.onNote(ev.name, ev.data, at);
        return;
      default:
        return;
    }
  }

  private onNote(name: string, d: NoteData, at: number): void {
    const c = this.snap.context;
    switch (name) {
      case 'dev.featuresOk':
        if (d.accepted === true) this.feed({ type: 'features', mq: ((Number(d.lo) >>> VIRTIO_NET_F.MQ) & 1) === 1 }, at);
        return;
      case 'dev.queueReady':
        if (d.ready === true) this.feed({ type: 'queueReady', q: Number(d.q) }, at);
        return;
      case 'dev.reset':
        this.feed({ type: 'reset' }, at);
        this.answer = undefined;
        this.completed = false;
        this.flowPair.clear();
        return;
      case 'drv.ctrlSubmit': {
        if (Number(d.cls) !== VIRTIO_NET_CTRL_MQ || Number(d.cmd) !== VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET) return;
        const pairs = Number(d.data);
        const problem = submitProblem(c, pairs);
        this.lastSubmitAt = at;
        if (!this.feed({ type: 'submit', pairs, judged: this.judgeDriver }, at) && problem) {
          this.fail(at, [problem.id], `driver sent VQ_PAIRS_SET ${pairs}: ${problem.why}`,
            `Let max_virtqueue_pairs be ${c.maxPairs} and DRIVER_OK ${c.driverOk ? 'set' : 'not yet set'}. Then the driver may ask for 1..${c.maxPairs} pairs whose queues it set up, after DRIVER_OK. However it asked for ${pairs}.`);
        }
        return;
      }
      case 'dev.ctrl':
        this.answer = { q: Number(d.q), ack: Number(d.ack), pairs: Number(d.pairs), at };
        this.flowPair.clear(); // the count may change here: flows may be steered anew
        return;
      case 'dev.pushUsed': {
        const a = this.answer;
        if (!a || Number(d.q) !== a.q) return;
        this.answer = undefined;
        this.completed = true;
        if (!this.feed({ type: 'complete', ack: a.ack, judged: true }, at)) {
          this.feed({ type: 'complete', ack: a.ack, judged: false }, at); // reported below; follow the device from here
          const should = a.ack === VIRTIO_NET_OK ? 'VIRTIO_NET_ERR' : 'VIRTIO_NET_OK';
          this.fail(a.at, ['NET-MQ-DEV-1', 'NET-MQ-DEV-3'],
            `device answered VQ_PAIRS_SET ${a.pairs} with ${a.ack === VIRTIO_NET_OK ? 'VIRTIO_NET_OK' : 'VIRTIO_NET_ERR'} (max_virtqueue_pairs ${c.maxPairs}${c.mq ? '' : ', MQ not negotiated'})`,
            `Let the device offer max_virtqueue_pairs = ${c.maxPairs}. Then VQ_PAIRS_SET ${a.pairs} must be answered ${should}: a count is accepted iff MQ is negotiated and 1 ≤ n ≤ max. ` +
            `However it answered otherwise${a.ack === VIRTIO_NET_OK ? `: the driver now believes in ${a.pairs} pairs, some of which do not exist` : ': the driver is refused a valid configuration'}.`);
        }
        return;
      }
      case 'drv.txPacket': {
        const q = Number(d.q);
        if (this.feed({ type: 'tx', pair: vq2pair(q) }, at) || !this.judgeDriver) return;
        this.fail(at, [this.lastSubmitAt < 0 ? 'NET-MQ-DRV-3' : 'NET-MQ-DRV-4'], `driver queued a packet on vq${q} (transmitq${vq2pair(q) + 1}) with ${c.txLimit} transmit queue${c.txLimit === 1 ? '' : 's'} open`,
          `Let the driver's last VQ_PAIRS_SET (#${this.lastSubmitAt}) leave ${c.txLimit} transmit queue${c.txLimit === 1 ? '' : 's'} open. Then from its submission on, packets go only to transmitq1..${c.txLimit}. However this one went to transmitq${vq2pair(q) + 1}.`);
        return;
      }
      case 'dev.rxPacket': {
        const q = Number(d.q);
        if (this.feed({ type: 'rx', pair: vq2pair(q) }, at)) return;
        this.fail(at, [this.completed ? 'NET-MQ-DEV-3' : 'NET-MQ-DEV-2'], `device delivered a packet to vq${q} (receiveq${vq2pair(q) + 1}) with ${c.active} pair${c.active === 1 ? '' : 's'} active`,
          `Let the last completed VQ_PAIRS_SET leave ${c.active} pair${c.active === 1 ? '' : 's'} active (1 after reset). Then received packets go only to receiveq1..${c.active}. However this one went to receiveq${vq2pair(q) + 1}.`);
        return;
      }
      case 'dev.backlog':
        this.backlog.set(Number(d.q), Number(d.n));
        if (d.flow !== undefined) this.steered(Number(d.flow), Number(d.q), at);
        return;
      case 'dev.txPacket':
        if (d.flow !== undefined) this.flowPair.delete(Number(d.flow)); // the device may move the flow to follow it (SHOULD)
        return;
      default:
        return;
    }
  }

  /** The device steered a packet of `flow` to receive queue `q` (a `dev.backlog` note with its flow). */
  private steered(flow: number, q: number, at: number): void {
    const pair = vq2pair(q);
    const before = this.flowPair.get(flow);
    if (before === undefined) {
      this.flowPair.set(flow, { pair, at });
      return;
    }
    if (before.pair === pair) return;
    const active = this.snap.context.active;
    this.fail(at, ['NET-MQ-DEV-4'], `device steered flow ${flow} to receiveq${pair + 1} after receiveq${before.pair + 1}, with the pair count unchanged (${active})`,
      `Let the device steer a packet of flow ${flow} to receiveq${before.pair + 1} (#${before.at}), the flow not transmitting since and the pair count staying ${active}. ` +
      `Then with MQ the device MUST steer automatically by flow: the next packet of that flow goes to receiveq${before.pair + 1} too. However it went to receiveq${pair + 1}: packet by packet, not by flow.`);
    this.flowPair.set(flow, { pair, at });
  }

  finish(end: ProtocolEvent, at: number): void {
    if (end.t !== 'quiescent') return;
    const c = this.snap.context;
    if (hasObligation(this.snap)) {
      this.fail(at, ['NET-MQ-DEV-3'], `VQ_PAIRS_SET ${c.pending} was never completed`,
        `Let the driver submit VQ_PAIRS_SET ${c.pending} (#${this.lastSubmitAt}). Then the device owes it an answer: the driver spins until the buffer is used. However the run went quiet without one.`);
    }
    for (const [q, n] of this.backlog) {
      if (n === 0 || vq2pair(q) < c.active) continue;
      this.fail(at, ['NET-MQ-DEV-3'], `${n} packet${n === 1 ? '' : 's'} stranded for vq${q} (receiveq${vq2pair(q) + 1}), closed by VQ_PAIRS_SET ${c.active}`,
        `Let the pair count drop to ${c.active}. Then the device must steer what it holds for closed receive queues to open ones (or drop it visibly). However ${n} packet${n === 1 ? ' waits' : 's wait'} for a queue it will never fill again.`);
    }
  }
}

export const mqOracle: Oracle = {
  property: 'P-MQ',
  description: 'VQ_PAIRS_SET accepted iff 1 ≤ n ≤ max; tx only on open queues from submission, rx only on active ones from completion; no packet stranded; received packets steered by flow',
  events: ['drv.readConfig', 'drv.writeStatus', 'note'],
  notes: ['dev.featuresOk', 'dev.queueReady', 'dev.reset', 'drv.ctrlSubmit', 'dev.ctrl', 'dev.pushUsed', 'drv.txPacket', 'dev.rxPacket', 'dev.backlog', 'dev.txPacket'],
  start: (ctx) => new MqRun(ctx.judgeDriver),
};
