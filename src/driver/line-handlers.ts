// The driver side of the multi-line proposals (notes §7): which lines the driver claims,
// which queue each line serves, and the handler each proposal runs on a line.
//  - `rfc`: Jakub Sitnicki's 2023 `vm_interrupt` (same handler on every line): read the one
//    InterruptStatus; CONFIG → ack CONFIG only, config change; VRING → ack VRING only,
//    `vring_interrupt` on *all* queues; then, with several lines, `vring_interrupt` on the
//    queues of the line that fired (for irqfd, which leaves InterruptStatus unset);
//  - `own-line`: reads and acks the shared status, then services only its own line's queues
//    (the per-line isolation the RFC was after, without its "all queues" step);
//  - `per-line`: reads and acks its own line's bits in the EXPERIMENTAL per-line registers,
//    then services its own line's queues.
// A driver that does not know about lines (`line0`) claims line 0 only and runs the classic
// `vm_interrupt` (mainline Linux: platform_get_irq(pdev, 0)). With `negotiated`, it uses the
// lines only once the experimental MULTI_IRQ bit is negotiated.

import { type Process, mmioRead, mmioWrite, note } from '../kernel/index.ts';
import { featureMask, hasFeature, VIRTIO_F_EXPERIMENTAL } from '../../spec/facts/feature-bits.ts';
import { LINE_STATUS_BITS, MMIO, MMIO_EXPERIMENTAL_LINES, MMIO_INT } from '../../spec/facts/mmio-registers.ts';
import type { InterruptController } from '../platform/interrupt-controller.ts';
import { lineOfQueue } from '../transport/mmio/irq-lines.ts';
import type { Vring } from './vring.ts';

/** What the handlers need of the transport driver (VirtioMmioDriver; the litmus has its own). */
export interface LineHost {
  /** The platform line number of the device's line 0, and the CPUs. */
  readonly line: number;
  readonly cpus: number;
  /** The device's MMIO slot. */
  readonly dev: number;
  readonly vqs: readonly (Vring | undefined)[];
  readonly handlerCalls: number[];
  spuriousHandlerCalls: number;
  /** `virtio_config_changed`. */
  configInterrupt(cpu: number): Process;
}

export interface DriverLineOptions {
  /** Interrupt resources the platform describes for the device (`platform_irq_count`). */
  readonly count: number;
  /** Claim line 0 only (unaware), every line (no negotiation), or every line once MULTI_IRQ is negotiated. */
  readonly use: 'line0' | 'all' | 'negotiated';
  readonly handler: 'rfc' | 'own-line' | 'per-line';
}

export const ONE_LINE_DRIVER: DriverLineOptions = { count: 1, use: 'line0', handler: 'rfc' };

export class LineHandlers {
  /** Lines in use: decided once the features are settled. */
  multiLine = false;

  constructor(private readonly mmio: LineHost, private readonly irq: InterruptController, readonly options: DriverLineOptions) {}

  /** The bit the driver offers to accept (only a driver that negotiates lines knows it). */
  featureBits(): bigint {
    return this.options.use === 'negotiated' ? featureMask(VIRTIO_F_EXPERIMENTAL.MMIO_MULTI_IRQ) : 0n;
  }

  negotiated(features: bigint): void {
    const { count, use } = this.options;
    this.multiLine = count > 1 && (use === 'all' || (use === 'negotiated' && hasFeature(features, VIRTIO_F_EXPERIMENTAL.MMIO_MULTI_IRQ)));
  }

  /** `devm_request_irq(irq_base + i, vm_interrupt, IRQF_SHARED)` for every line; line k's affinity on CPU k (one pair per CPU). */
  *request(): Process {
    const base = this.mmio.line;
    for (let k = 0; k < this.options.count; k++) {
      this.irq.request(base + k, (cpu) => this.handle(cpu, k));
      this.irq.setAffinity(base + k, [k % this.mmio.cpus]);
      yield note('drv.requestIrq', { line: k, handler: this.options.handler });
    }
  }

  /** The queues a line serves: the proposals' shared formula (both sides know it). */
  private *serviceOwnQueues(cpu: number, line: number): Process<boolean> {
    let handled = false;
    for (const vq of this.mmio.vqs) if (vq && lineOfQueue(vq.index, this.options.count) === line && (yield* vq.interrupt(cpu))) handled = true;
    return handled;
  }

  private *serviceAllQueues(cpu: number): Process<boolean> {
    let handled = false;
    for (const vq of this.mmio.vqs) if (vq && (yield* vq.interrupt(cpu))) handled = true;
    return handled;
  }

  private *handle(cpu: number, line: number): Process {
    const m = this.mmio;
    m.handlerCalls[cpu] = (m.handlerCalls[cpu] ?? 0) + 1;
    let handled = false;
    let status: number;
    switch (this.options.handler) {
      case 'rfc':
        status = yield mmioRead(m.dev, MMIO.InterruptStatus, 'drv.irq.read_status');
        if (status & MMIO_INT.CONFIG) {
          yield mmioWrite(m.dev, MMIO.InterruptACK, MMIO_INT.CONFIG, 'drv.irq.ack_config'); // only the bit it handles
          yield* m.configInterrupt(cpu);
          handled = true;
        }
        if (status & MMIO_INT.VRING) {
          yield mmioWrite(m.dev, MMIO.InterruptACK, MMIO_INT.VRING, 'drv.irq.ack_vring');
          if (yield* this.serviceAllQueues(cpu)) handled = true;
        }
        if (yield* this.serviceOwnQueues(cpu, line)) handled = true; // the RFC's step 4: this line's queues, bit or not
        break;
      case 'own-line':
        status = yield mmioRead(m.dev, MMIO.InterruptStatus, 'drv.irq.read_status');
        yield mmioWrite(m.dev, MMIO.InterruptACK, status, 'drv.irq.ack'); // ack first (§4.3) — the shared bit, for every line
        if (status & MMIO_INT.CONFIG) {
          yield* m.configInterrupt(cpu);
          handled = true;
        }
        if (status & MMIO_INT.VRING && (yield* this.serviceOwnQueues(cpu, line))) handled = true;
        break;
      default: {
        const all = yield mmioRead(m.dev, MMIO_EXPERIMENTAL_LINES.LineInterruptStatus, 'drv.irq.read_line_status');
        status = (all >>> (LINE_STATUS_BITS * line)) & ((1 << LINE_STATUS_BITS) - 1);
        if (status) yield mmioWrite(m.dev, MMIO_EXPERIMENTAL_LINES.LineInterruptACK, status << (LINE_STATUS_BITS * line), 'drv.irq.ack_line');
        if (status & MMIO_INT.CONFIG) {
          yield* m.configInterrupt(cpu);
          handled = true;
        }
        if (status & MMIO_INT.VRING && (yield* this.serviceOwnQueues(cpu, line))) handled = true;
      }
    }
    if (!handled) m.spuriousHandlerCalls++;
    yield note('drv.irqHandled', { cpu, status, handled, line });
  }
}
