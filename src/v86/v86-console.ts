// v86's virtio-console (virtio-pci modern, INTx) behind the device API: v86's register
// handlers (I/O-port BARs) are reached through the simulator's PCI window, its guest-memory
// reads and writes go to the simulator's memory (recorded), its PCI interrupt drives line 0.
// Each register access is one atomic step, as with fromSynchronousDevice. The adapter reads
// v86's state after each access to emit the notes the oracles need (docs/device-api.md):
// it observes, it never changes what v86 does.

import type { AccessSize } from '../kernel/index.ts';
import { PCI_CAP, PCI_COMMON, PCI_WINDOW } from '../../spec/facts/pci-registers.ts';
import { DeviceNotes } from '../device-api/notes.ts';
import type { DeviceFactory, DevicePlatform, GuestMemoryAccess } from '../device-api/types.ts';
import type { V86Any } from './v86-module.ts';

type Handler = (port: number, value?: number) => number | void;
const STATUS_FEATURES_OK = 8;
const STATUS_DRIVER_OK = 4;

/** The CPU object v86's VirtIO asks for: port registration, PCI interrupt, guest memory. */
function stubCpu(mem: GuestMemoryAccess, irq: (level: 0 | 1) => void, ports: Map<string, Handler>): V86Any {
  const reg = (rw: 'r' | 'w') => (port: number, _dev: unknown, h8?: Handler, h16?: Handler, h32?: Handler) => {
    if (h8) ports.set(`${rw}1:${port}`, h8);
    if (h16) ports.set(`${rw}2:${port}`, h16);
    if (h32) ports.set(`${rw}4:${port}`, h32);
  };
  return {
    devices: { pci: { register_device: () => {}, raise_irq: () => irq(1), lower_irq: () => irq(0) } },
    io: { register_read: reg('r'), register_write: reg('w') },
    read16: (a: number) => mem.read(a, 2),
    read32s: (a: number) => mem.read(a, 4) | 0,
    write16: (a: number, v: number) => mem.write(a, 2, v & 0xffff),
    write32: (a: number, v: number) => mem.write(a, 4, v >>> 0),
    read_blob: (a: number, n: number) => Uint8Array.from({ length: n }, (_, k) => mem.read(a + k, 1)),
    write_blob: (buf: Uint8Array, a: number) => buf.forEach((b, k) => mem.write(a + k, 1, b)),
  };
}

/** Each capability's BAR I/O port, from v86's PCI configuration space (its capability list, §4.1.4). */
function capabilityPorts(space: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (let at = space[0x34]!; at !== 0 && at < 256; at = space[at + 1]!) {
    if (space[at] !== 9) continue; // vendor-specific
    const type = space[at + 3]!;
    const bar = space[at + 4]!;
    if (type > PCI_CAP.DEVICE) continue;
    const b = 0x10 + 4 * bar;
    out.set(type, (space[b]! | (space[b + 1]! << 8) | (space[b + 2]! << 16)) & ~1);
  }
  return out;
}

const REGIONS: readonly [base: number, cap: number][] = [
  [PCI_WINDOW.device, PCI_CAP.DEVICE], [PCI_WINDOW.isr, PCI_CAP.ISR], [PCI_WINDOW.notify, PCI_CAP.NOTIFY], [PCI_WINDOW.common, PCI_CAP.COMMON],
];

/**
 * A device factory running v86's `VirtioConsole` (constructor from `loadVirtioConsole()`).
 * @example const Console = await loadVirtioConsole(); runV86(v86ConsoleDevice(Console), { seed: 1, scheduler: 'pct', tx: 3, queueSize: 4 })
 */
export function v86ConsoleDevice(Console: V86Any): DeviceFactory {
  return (platform: DevicePlatform) => {
    const ports = new Map<string, Handler>();
    let virtio: V86Any;
    let isr = 0;
    let raising = 0; // the ISR bits of the raise_irq call in progress
    const flushing = { q: -1 }; // the queue whose flush_replies is publishing (its raise is for that queue)
    // The ISR as v86 holds it, noted before the line moves (v86 sets the bit, then raises):
    // every raise notes its bits as set, even when already set (as MmioInterruptStatus does).
    const syncIsr = () => {
      const now = virtio ? virtio.isr_status : 0;
      if (now !== isr || raising) platform.note(...DeviceNotes.isr(now, raising || now & ~isr, raising === 1 ? flushing.q : -1, 0));
      isr = now;
      raising = 0;
    };
    const irq = (level: 0 | 1) => { if (!virtio) return; /* the constructor's own reset: the line is low already */ syncIsr(); platform.setIrq(0, level, level ? 'dev.v86.pci_raise_irq' : 'dev.v86.pci_lower_irq'); };
    const cpu = stubCpu(platform.atomicMemory, irq, ports);
    const bus = { register: () => {}, send: () => {} };
    virtio = new Console(cpu, bus).virtio;
    const raise = virtio.raise_irq.bind(virtio);
    virtio.raise_irq = (type: number) => { raising = type; raise(type); };
    instrumentQueues(virtio, platform, flushing);
    const capPorts = capabilityPorts(virtio.pci_space);
    const portOf = (off: number): number | undefined => {
      for (const [base, cap] of REGIONS) if (off >= base) { const p = capPorts.get(cap); return p === undefined ? undefined : p + off - base; }
      return undefined;
    };
    let seen = observe(virtio);
    const after = (wroteStatus?: number) => { seen = notesSince(seen, observe(virtio), virtio, platform, wroteStatus); syncIsr(); };
    return {
      read(off: number, size: AccessSize) {
        if (off >= PCI_WINDOW.config) return readSpace(virtio.pci_space, off - PCI_WINDOW.config, size);
        const port = portOf(off);
        const h = port === undefined ? undefined : ports.get(`r${size}:${port}`);
        const value = h ? Number(h(port!)) >>> 0 : 0xffffffff >>> (32 - 8 * size); // unclaimed port: all ones
        after();
        return value;
      },
      write(off: number, size: AccessSize, value: number) {
        if (off >= PCI_WINDOW.config) return undefined; // configuration space is read-only here
        const port = portOf(off);
        const h = port === undefined ? undefined : ports.get(`w${size}:${port}`);
        if (h) h(value); // v86 calls a port write handler with the data only
        after(off === PCI_COMMON.device_status ? value & 0xff : undefined);
        return undefined;
      },
    };
  };
}

function readSpace(space: number[], at: number, size: AccessSize): number {
  let v = 0;
  for (let k = size - 1; k >= 0; k--) v = v * 256 + (space[at + k] ?? 0);
  return v;
}

interface Seen { status: number; enabled: boolean[] }
function observe(virtio: V86Any): Seen {
  return { status: virtio.device_status, enabled: virtio.queues.map((q: V86Any) => !!q.enabled) };
}

/** The notes for what changed in v86's device state during one access (`wroteStatus`: a device_status write). */
function notesSince(before: Seen, now: Seen, virtio: V86Any, platform: DevicePlatform, wroteStatus: number | undefined): Seen {
  if (wroteStatus === 0) {
    platform.note(...DeviceNotes.status(0));
    platform.note(...DeviceNotes.reset());
  } else if (wroteStatus !== undefined) {
    platform.note(...DeviceNotes.status(now.status));
    if (wroteStatus & ~before.status & STATUS_FEATURES_OK) { // FEATURES_OK written: kept (accepted) or cleared (refused), §3.1.1
      const f = (BigInt(virtio.driver_feature[1] >>> 0) << 32n) | BigInt(virtio.driver_feature[0] >>> 0);
      platform.note(...DeviceNotes.featuresOk((now.status & STATUS_FEATURES_OK) !== 0, f));
    }
    if (now.status & ~before.status & STATUS_DRIVER_OK) {
      platform.note(...DeviceNotes.activate());
      // Nothing comes from the host in these runs: the receive queues (port 0, control, ports 1..) owe nothing (P-QUIESCE).
      virtio.queues.forEach((_: unknown, q: number) => { if (q % 2 === 0) platform.note(...DeviceNotes.backlog(q, 0)); });
    }
  }
  now.enabled.forEach((on, q) => {
    if (on && !before.enabled[q]) {
      const vq = virtio.queues[q];
      platform.note(...DeviceNotes.queueReady(q, true, { num: vq.size, desc: vq.desc_addr, avail: vq.avail_addr, used: vq.used_addr, width: 16 }));
    }
  });
  return now;
}

/** Wrap each queue's pop/push (v86's own code still does the work) to note what it took and published. */
function instrumentQueues(virtio: V86Any, platform: DevicePlatform, flushing: { q: number }): void {
  virtio.queues.forEach((vq: V86Any, q: number) => {
    const pop = vq.pop_request.bind(vq);
    const push = vq.push_reply.bind(vq);
    const setIdx = vq.used_set_idx.bind(vq);
    const staged: number[] = [];
    vq.pop_request = () => {
      const chain = pop();
      platform.note(...DeviceNotes.popAvail(q, chain.head_idx, vq.avail_last_idx));
      return chain;
    };
    vq.push_reply = (chain: V86Any) => { push(chain); staged.push(chain.head_idx); };
    // flush_replies publishes used.idx through used_set_idx, then interrupts: note each entry there.
    vq.used_set_idx = (idx: number) => {
      setIdx(idx);
      flushing.q = q;
      const heads = staged.splice(0);
      heads.forEach((head, k) => platform.note(...DeviceNotes.pushUsed(q, head, (idx - heads.length + k + 1) & 0xffff)));
    };
  });
}
