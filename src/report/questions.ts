// The questions the evidence report settles for spec authors: for each, the variants it
// compares (src/variants/catalogue.ts), the exhaustive litmus checks that back it, the
// properties its table shows, and how its answer reads from the verdicts found.

import type { PropertyId } from '../../spec/catalogue.ts';
import { NOTIFY_LITMUS_DEFAULTS } from '../scenarios/notify-litmus.ts';
import { MSI_LITMUS_DEFAULTS } from '../scenarios/msi-litmus.ts';
import type { NotificationMetrics } from '../explore/notification-metrics.ts';
import { msiLitmusTarget, notifyLitmusTarget, type ExhaustiveTarget } from '../explore/exhaustive.ts';

/** One exhaustive check: the target to explore and the command line that explores it. */
export interface LitmusSpec {
  readonly name: string;
  /** The property the litmus judges (P-QUIESCE for the notification litmus, P-ROUTE for MSI). */
  readonly property: PropertyId;
  /** `npx virtio-conform …` without `--replay`. */
  readonly command: string;
  readonly target: () => ExhaustiveTarget;
}

export interface Question {
  readonly id: string;
  readonly title: string;
  /** The question as a committee member asks it. */
  readonly ask: string;
  readonly variants: readonly string[];
  readonly litmus: readonly LitmusSpec[];
  readonly properties: readonly PropertyId[];
  /** The answer, given the verdict of each variant and litmus by name. */
  readonly answer: (verdict: (name: string) => 'pass' | 'violated' | 'verified' | 'bounded' | undefined, metrics: (name: string) => NotificationMetrics | undefined) => string;
}

type Handler = 'rfc' | 'own-line' | 'per-line';

function notifyLitmus(opts: { lines?: 2; handler?: Handler; flags?: boolean }): LitmusSpec {
  const two = opts.lines === 2;
  const args = `${two ? `--queues 2 --lines 2 --line-handler ${opts.handler ?? 'rfc'}` : '--queues 1'}${opts.flags ? ' --flags' : ''}`;
  const config = {
    ...NOTIFY_LITMUS_DEFAULTS, buffers: 3, queues: two ? 2 : 1, lines: (two ? 2 : 1) as 1 | 2, lineHandler: opts.handler ?? 'rfc',
    eventIdx: !opts.flags,
  };
  return { name: `litmus ${args}`, property: 'P-QUIESCE', command: `npx virtio-conform litmus --buffers 3 ${args}`, target: () => notifyLitmusTarget(config) };
}

type MsiProfile = typeof MSI_LITMUS_DEFAULTS.profile;
function msiLitmus(profile: MsiProfile, movers: 1 | 2, selectorLock = false): LitmusSpec {
  const args = `--profile ${profile} --movers ${movers}${selectorLock ? ' --selector-lock' : ''}`;
  const config = { ...MSI_LITMUS_DEFAULTS, profile, movers, selectorLock };
  return { name: `msi-litmus ${args}`, property: 'P-ROUTE', command: `npx virtio-conform msi-litmus ${args} --events ${config.events}`, target: () => msiLitmusTarget(config) };
}

const NOTIFY_PROPS: readonly PropertyId[] = ['P-STATUS', 'P-FEAT', 'P-ISR', 'P-IRQ-MUST', 'P-KICK-MUST', 'P-QUIESCE'];

export const QUESTIONS: readonly Question[] = [
  {
    id: 'q1-feature-bit',
    title: 'Do several MMIO interrupt lines need a feature bit?',
    ask: 'A virtio-mmio device that spreads its queues over several interrupt lines: can it do so unannounced, or must the driver opt in through a negotiated feature bit?',
    variants: ['mmio-v2-mq', 'multi-irq-no-flag', 'multi-irq-flag', 'multi-irq-flag-unaware'],
    litmus: [],
    properties: ['P-ROUTE', 'P-QUIESCE', 'P-MQ', 'P-FEAT', 'P-STATUS'],
    answer: (v) => v('multi-irq-no-flag') === 'violated' && v('multi-irq-flag') === 'pass' && v('multi-irq-flag-unaware') === 'pass'
      ? '**Yes.** Without negotiation a driver that knows one line (mainline Linux) never claims the others, and the interrupts the device raises there are lost (multi-irq-no-flag violates P-ROUTE, MIRQ-DEV-1). Gated on an experimental feature bit, both an aware and an unaware driver pass every property.'
      : 'The verdicts below do not match the expected answer (a feature bit is needed); read the table.',
  },
  {
    id: 'q2-shared-status',
    title: 'Is a shared InterruptStatus safe with several lines?',
    ask: 'With several lines but one InterruptStatus/InterruptACK pair, can each line\'s handler ack the shared register and service only its own queues?',
    variants: ['multi-irq-rfc', 'multi-irq-per-line-status', 'multi-irq-own-line'],
    litmus: [notifyLitmus({ lines: 2, handler: 'rfc' }), notifyLitmus({ lines: 2, handler: 'per-line' }), notifyLitmus({ lines: 2, handler: 'own-line' })],
    properties: ['P-ROUTE', 'P-QUIESCE', 'P-ISR', 'P-IRQ-MUST'],
    answer: (v) => {
      if (!(v('multi-irq-own-line') === 'violated' && v('multi-irq-rfc') === 'pass' && v('multi-irq-per-line-status') === 'pass')) return 'The verdicts below do not match the expected answer; read the table.';
      const proof = (name: string): string => (v(name) === 'verified' ? 'verified exhaustively' : 'no violation found; the litmus stopped at its bound');
      return `**Only with care.** A shared status is safe if every handler, after acking, services all queues (the 2023 RFC's handler: ${proof('litmus --queues 2 --lines 2 --line-handler rfc')}), or with a status/ACK register per line (${proof('litmus --queues 2 --lines 2 --line-handler per-line')}). A handler that acks the shared register and looks only at its own line's queues loses a wake-up: it finds the bit another line's handler already acked (multi-irq-own-line violates P-ROUTE; the litmus finds a lost interrupt).`;
    },
  },
  {
    id: 'q3-mmio-msi',
    title: 'Is the 2020 MMIO MSI update safe, and which fix makes it safe?',
    ask: 'The 2020 virtio-mmio MSI proposal programs a vector through MsiVecSel and live MsiAddrLow/High/MsiData registers. Can a device send a torn or stale message while the driver moves a vector, and what fixes it?',
    variants: ['pci-msix', 'mmio-msi-2020', 'mmio-msi-2020-locked', 'mmio-msi-latched', 'mmio-msi-masked', 'mmio-msi-latched-locked', 'mmio-msi-masked-locked'],
    litmus: [
      msiLitmus('mmio-msi-2020', 1), msiLitmus('mmio-msi-latched', 1), msiLitmus('mmio-msi-latched', 2), msiLitmus('mmio-msi-latched', 2, true),
      msiLitmus('mmio-msi-masked', 1), msiLitmus('mmio-msi-masked', 2), msiLitmus('mmio-msi-masked', 2, true), msiLitmus('pci-msix', 2),
    ],
    properties: ['P-ROUTE', 'P-QUIESCE', 'P-ISR', 'P-IRQ-MUST'],
    answer: (v) => v('mmio-msi-2020') === 'violated' && v('mmio-msi-latched-locked') === 'pass' && v('mmio-msi-masked-locked') === 'pass'
      ? `**No.** With live registers an interrupt between the MsiAddrLow and MsiData writes sends a torn message (new destination, old vector), even from one CPU and with a driver lock. Either fix — latching the words until a CONFIGURE command, or mask → write → unmask with a pending bit — makes one CPU's update atomic, but the shared MsiVecSel still lets two CPUs' updates cross; each fix is safe only together with a driver lock around the selector sequence (${v('msi-litmus --profile mmio-msi-latched --movers 2 --selector-lock') === 'verified' && v('msi-litmus --profile mmio-msi-masked --movers 2 --selector-lock') === 'verified' ? 'verified exhaustively' : 'no violation found; the litmus stopped at its bound'}). MSI-X, a table entry per vector with no selector, needs neither.`
      : 'The verdicts below do not match the expected answer; read the table.',
  },
  {
    id: 'q4-cost',
    title: 'What do synchronous versus ioeventfd kicks and flag versus EVENT_IDX suppression cost?',
    ask: 'How many kicks (VM exits) and interrupts per buffer, and how many wasted handler runs, does each notification scheme cost — and are they all correct?',
    variants: ['mmio-v2', 'mmio-v2-flags', 'mmio-v2-ioeventfd', 'mmio-v1', 'mmio-v1-flags'],
    litmus: [notifyLitmus({}), notifyLitmus({ flags: true })],
    properties: NOTIFY_PROPS,
    answer: (v, m) => {
      if (!['mmio-v2', 'mmio-v2-flags', 'mmio-v2-ioeventfd'].every((n) => v(n) === 'pass')) return 'A notification scheme failed a property; read the table.';
      const [ev, fl, io] = [m('mmio-v2'), m('mmio-v2-flags'), m('mmio-v2-ioeventfd')];
      const cost = ev && fl && io
        ? ` EVENT_IDX takes ${ev.interruptsPerBuffer.toFixed(2)} interrupts per buffer against ${fl.interruptsPerBuffer.toFixed(2)} with flags, for ${ev.kicksPerBuffer.toFixed(2)} against ${fl.kicksPerBuffer.toFixed(2)} kicks; ioeventfd-style kicks cost ${io.kicksPerBuffer.toFixed(2)} kicks per buffer against ${ev.kicksPerBuffer.toFixed(2)} synchronous, with ${Math.round(io.idleHandlerShare * 100)}% of handler runs finding nothing (${Math.round(ev.idleHandlerShare * 100)}% synchronous).`
        : '';
      const litmus = v('litmus --queues 1') === 'verified' && v('litmus --queues 1 --flags') === 'verified'
        ? ', and the one-queue litmus is verified with EVENT_IDX and with flags' : ' (the one-queue litmus was only explored up to its state bound here)';
      return `**All are correct; they differ in cost.** Every scheme passes every property${litmus}.${cost}`;
    },
  },
];
