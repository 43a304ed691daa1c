// Mutants of real traces: excerpts of the QEMU 7.2 + Linux 6.1 recordings (fixtures/qemu/)
// with one fault edited in, each caught by `check` at its line by the property that names
// the requirement. src/check/check-qemu.test.ts holds every entry to that; the requirement
// coverage counts them as evidence beside the simulator's mutants.

export interface TraceMutant {
  /** File under fixtures/qemu/. */
  readonly file: string;
  /** What was edited into the real trace. */
  readonly fault: string;
  readonly property: string;
  readonly requirement: string;
  /** Trace line of the first violation. */
  readonly line: number;
  readonly summary: RegExp;
}

export const QEMU_TRACE_MUTANTS: readonly TraceMutant[] = [
  { file: 'status-out-of-order.qemu.txt', fault: 'DRIVER_OK written before FEATURES_OK', property: 'P-STATUS', requirement: 'STATUS-DRV-5', line: 76, summary: /driver wrote Status=ACK\|DRV\|DRV_OK in state driver/ },
  { file: 'features-ok-not-read-back.qemu.txt', fault: 'the Status read-back after FEATURES_OK removed', property: 'P-STATUS', requirement: 'STATUS-DRV-5', line: 102, summary: /queueSetup in state featuresOkUnconfirmed/ },
  { file: 'irq-before-driver-ok.qemu.txt', fault: 'a used-buffer interrupt moved before DRIVER_OK', property: 'P-STATUS', requirement: 'STATUS-DEV-1', line: 135, summary: /device notified .* in state initialising/ },
  { file: 'ack-clears-unwritten.qemu.txt', fault: 'InterruptACK clears a bit the driver did not write', property: 'P-ISR', requirement: 'MMIO-DEV-3', line: 156, summary: /InterruptACK 0x2 left InterruptStatus 0x0, not 0x1/ },
  { file: 'notify-queue-not-ready.qemu.txt', fault: 'the device pops a queue before its QueueReady write', property: 'P-STATUS', requirement: 'MMIO-DEV-6', line: 141, summary: /took an available entry from vq0, whose QueueReady is 0/ },
  { file: 'used-idx-backwards.qemu.txt', fault: 'used.idx moves backwards', property: 'P-WRAP', requirement: '§2.7.6.1', line: 171, summary: /used\.idx=0 after 1/ },
];
