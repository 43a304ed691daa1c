// P-MQ's flow-steering rule (NET-MQ-DEV-4, the MUST) on hand-written event streams, and the
// reference device's steering in the flows setting: every packet of a flow to one receive
// queue while the count stands, and (the SHOULD, not judged by P-MQ) a flow that transmitted
// on transmitq X received on receiveq X.
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from './decode.ts';
import { RingView } from './ring-view.ts';
import { mqOracle } from './p-mq.ts';
import type { Violation } from './types.ts';
import { ONE_LINE } from '../transport/mmio/irq-lines.ts';
import { runOnce } from '../explore/run-once.ts';
import { RandomChoiceSource } from '../kernel/index.ts';
import { variantByName } from '../variants/catalogue.ts';
import { vq2pair } from '../../spec/facts/net.ts';

const CTX = { mmioVersion: 2 as const, line: 0, interruptLines: ONE_LINE, buffered: false, judgeDriver: true };
const n = (name: string, data: Record<string, number | string | boolean>): ProtocolEvent => ({ t: 'note', name, data });
/** The device steers a packet of `flow` to virtqueue `q` (receiveq q/2 + 1). */
const steer = (q: number, flow: number) => n('dev.backlog', { q, n: 1, flow });

function check(events: ProtocolEvent[]): Violation[] {
  const rings = new RingView();
  const run = mqOracle.start(CTX, { rings });
  events.forEach((ev, i) => { rings.observe(ev); run.onEvent(ev, i); });
  run.finish({ t: 'budget', step: events.length }, events.length); // not quiescent: the backlogs here are never drained
  return run.violations;
}

describe('P-MQ: received packets are steered by flow (NET-MQ-DEV-4)', () => {
  it('passes one queue per flow, whatever the queue of each flow', () => {
    expect(check([steer(0, 1), steer(2, 2), steer(0, 1), steer(2, 2), n('dev.backlog', { q: 2, n: 0 })])).toEqual([]);
  });

  it('a flow split over two receive queues with the count unchanged breaks the MUST', () => {
    const v = check([steer(0, 1), steer(2, 2), steer(2, 1)]);
    expect(v.map((x) => x.requirements)).toEqual([['NET-MQ-DEV-4']]);
    expect(v[0]!.summary).toBe('device steered flow 1 to receiveq2 after receiveq1, with the pair count unchanged (1)');
  });

  it('a flow may move after it transmitted (to follow its transmit queue), or after a VQ_PAIRS_SET', () => {
    expect(check([steer(0, 1), n('dev.txPacket', { q: 3, seq: 1, flow: 1 }), steer(2, 1)])).toEqual([]);
    expect(check([steer(2, 1), n('dev.ctrl', { q: 4, cls: 4, cmd: 0, pairs: 1, ack: 0, curr: 1 }), steer(0, 1)])).toEqual([]);
  });
});

describe('the reference device in the flows setting (mmio-v2-mq-flows)', () => {
  it('steers each flow to the receive queue of the transmit queue it last used, while that pair is active (the SHOULD)', () => {
    // A longer stream of received packets than the variant's, so some arrive after the flows transmitted.
    const config = { ...variantByName('mmio-v2-mq-flows')!.config, rxPackets: 24, maxSteps: 20_000 };
    let followed = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const r = runOnce(config, new RandomChoiceSource(seed));
      expect(r.violations).toEqual([]);
      const lastTx = new Map<number, number>();
      let active = 1;
      for (const rec of r.records) {
        if (rec.kind !== 'effect' || rec.effect.kind !== 'note') continue;
        const { note, data } = rec.effect;
        if (note === 'dev.ctrl' && data.ack === 0) active = Number(data.curr);
        else if (note === 'dev.txPacket') lastTx.set(Number(data.flow), vq2pair(Number(data.q)));
        else if (note === 'dev.backlog' && data.flow !== undefined) {
          const sent = lastTx.get(Number(data.flow));
          if (sent === undefined || sent >= active) continue;
          expect(vq2pair(Number(data.q)), `seed ${seed}: flow ${String(data.flow)}`).toBe(sent);
          followed++;
        }
      }
    }
    expect(followed).toBeGreaterThan(0);
  });
});
