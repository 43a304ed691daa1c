// virtio-net multiqueue, automatic receive steering (§5.1.9.5.6, v1.2/1.3 §5.1.6.5.6), as the
// two sides see it: the driver sets the number of active pairs with VQ_PAIRS_SET on the
// control queue; the driver's restriction of transmit queues starts when it makes the
// command *available*, the device's switch of receive queues when it makes it *used*.
// Pairs are numbered from 0 here (pair k = receiveq k+1 / transmitq k+1).
import { assign, setup } from 'xstate';
import { VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN, VIRTIO_NET_OK } from '../spec/facts/net.ts';

/** Events the P-MQ oracle consumes. */
export type NetMqEvent =
  /** The device accepted FEATURES_OK with this MQ bit (§5.1.3). */
  | { type: 'features'; mq: boolean }
  /** max_virtqueue_pairs as the driver read it from config (§5.1.4). */
  | { type: 'config'; maxPairs: number }
  /** Virtqueue `q` is ready (QueueReady / QueuePFN written). */
  | { type: 'queueReady'; q: number }
  | { type: 'driverOk' }
  /**
   * The driver made VQ_PAIRS_SET `pairs` available on the control queue. `judged` false: a
   * test harness that breaks the driver rules on purpose (its command still tests the device).
   */
  | { type: 'submit'; pairs: number; judged: boolean }
  /**
   * The device used the command with this ack (VIRTIO_NET_OK = 0 / ERR = 1). `judged` false:
   * the oracle already reported a wrong answer and follows the device from there.
   */
  | { type: 'complete'; ack: number; judged: boolean }
  /** The driver queued a packet on transmitq pair+1. */
  | { type: 'tx'; pair: number }
  /** The device delivered a packet to receiveq pair+1. */
  | { type: 'rx'; pair: number }
  | { type: 'reset' };

export interface NetMqContext {
  mq: boolean;
  maxPairs: number;
  /** Virtqueues ready, as a bit mask (the small configurations have fewer than 31). */
  ready: number;
  driverOk: boolean;
  /** Pairs the device delivers to: 1 after reset (NET-MQ-DEV-2), n once an accepted command is used. */
  active: number;
  /** Transmit queues the driver may use: from submission of a command (NET-MQ-DRV-3/4). */
  txLimit: number;
  /** The command in flight (available, not yet used). */
  pending: number;
}

const initialContext = (): NetMqContext => ({ mq: false, maxPairs: 1, ready: 0, driverOk: false, active: 1, txLimit: 1, pending: 0 });

/** Would a correct device accept VQ_PAIRS_SET n? QEMU `virtio_net_handle_mq` (not normative: the spec only forbids the driver to ask). */
export function pairsAcceptable(ctx: Pick<NetMqContext, 'mq' | 'maxPairs'>, n: number): boolean {
  return ctx.mq && n >= VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN && n <= VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX && n <= ctx.maxPairs;
}

const queuesReady = (ready: number, pairs: number): boolean => {
  for (let q = 0; q < 2 * pairs; q++) if (!(ready & (1 << q))) return false;
  return true;
};

/** The driver rule a VQ_PAIRS_SET `pairs` submitted now would break, or undefined. */
export function submitProblem(ctx: NetMqContext, pairs: number): { id: string; why: string } | undefined {
  if (!ctx.driverOk) return { id: 'NET-CVQ-1', why: 'control commands only after DRIVER_OK' };
  if (pairs < 1 || pairs > ctx.maxPairs) return { id: 'NET-MQ-DRV-2', why: `virtqueue_pairs must lie in 1..max_virtqueue_pairs (${ctx.maxPairs})` };
  if (!queuesReady(ctx.ready, pairs)) return { id: 'NET-MQ-DRV-1', why: `the ${pairs} pairs' virtqueues must be set up before they are enabled` };
  return undefined;
}

export const netMqMachine = setup({
  types: { context: {} as NetMqContext, events: {} as NetMqEvent },
  guards: {
    submitAllowed: ({ context, event }) => event.type === 'submit' && (!event.judged || submitProblem(context, event.pairs) === undefined),
    ackIsRight: ({ context, event }) => event.type === 'complete' && (!event.judged || (event.ack === VIRTIO_NET_OK) === pairsAcceptable(context, context.pending)),
    txOnOpenQueue: ({ context, event }) => event.type === 'tx' && event.pair < context.txLimit, // NET-MQ-DRV-3/4
    rxOnActiveQueue: ({ context, event }) => event.type === 'rx' && event.pair < context.active, // NET-MQ-DEV-2/3
  },
  actions: {
    recordFeatures: assign({ mq: ({ context, event }) => (event.type === 'features' ? event.mq : context.mq) }),
    recordConfig: assign({ maxPairs: ({ context, event }) => (event.type === 'config' ? event.maxPairs : context.maxPairs) }),
    recordReady: assign({ ready: ({ context, event }) => (event.type === 'queueReady' && event.q < 31 ? context.ready | (1 << event.q) : context.ready) }),
    recordDriverOk: assign({ driverOk: true }),
    // The driver narrows its transmit queues as it submits (it may widen only once the device agreed).
    submit: assign(({ context, event }) => {
      const n = event.type === 'submit' ? event.pairs : 1;
      return { pending: n, txLimit: Math.min(context.txLimit, n) };
    }),
    // The device switches when it uses the command; the driver follows the answer.
    complete: assign(({ context, event }) => {
      const active = event.type === 'complete' && event.ack === VIRTIO_NET_OK ? context.pending : context.active;
      return { active, txLimit: active, pending: 0 };
    }),
    restart: assign(() => initialContext()),
    // Traffic changes nothing; the action only marks the event as taken (XState's `can` is
    // false for a transition with neither target nor action).
    allowed: () => {},
  },
}).createMachine({
  id: 'netMq',
  context: initialContext,
  initial: 'idle',
  on: {
    features: { actions: 'recordFeatures' },
    config: { actions: 'recordConfig' },
    queueReady: { actions: 'recordReady' },
    driverOk: { actions: 'recordDriverOk' },
    tx: { guard: 'txOnOpenQueue', actions: 'allowed' },
    rx: { guard: 'rxOnActiveQueue', actions: 'allowed' },
    reset: { target: '.idle', actions: 'restart' },
  },
  states: {
    idle: {
      on: {
        submit: { guard: 'submitAllowed', target: 'commandInFlight', actions: 'submit' }, // NET-CVQ-1, NET-MQ-DRV-1/2
      },
    },
    /** VQ_PAIRS_SET is in the available ring: the driver has narrowed tx, the device has not switched rx. */
    commandInFlight: {
      tags: ['obligation'], // the device owes an answer (the driver spins for it)
      on: {
        complete: { guard: 'ackIsRight', target: 'idle', actions: 'complete' },
      },
    },
  },
});
