// MSI delivery on the platform: the x86 message format, the local APIC's IRR (edge,
// merging), delivery as a kernel choice through the interrupt controller, and dropped
// messages (malformed address, exception vector, no handler) recorded as spurious vectors.
import { describe, expect, it } from 'vitest';
import { ArrayChoiceSource, type Process, World, note } from '../kernel/index.ts';
import { GuestMemory } from './guest-memory.ts';
import { MmioBus } from './mmio-bus.ts';
import { InterruptController } from './interrupt-controller.ts';
import { MSI_LINE_BASE } from './local-apic.ts';
import { spawnVcpu } from './vcpu.ts';
import { msiCompose, msiDecode } from '../../spec/facts/msi-message.ts';

function platform(cpus = 2) {
  const bus = new MmioBus();
  const world = new World({ memory: new GuestMemory(0x100), bus, memoryModel: 'sc', source: new ArrayChoiceSource([]), maxSteps: 100 });
  const irq = new InterruptController(world, cpus, 1);
  bus.controller = irq;
  return { world, irq, bus };
}

describe('x86 MSI message format', () => {
  it('composes and decodes destination and vector', () => {
    const m = msiCompose(3, 0x41);
    expect(m).toEqual({ addrLo: 0xfee03000, addrHi: 0, data: 0x41 });
    expect(msiDecode(m.addrLo, m.addrHi, m.data)).toEqual({ ok: true, dest: 3, vector: 0x41 });
  });

  it('rejects addresses outside 0xFEExxxxx, a high address word, and exception vectors', () => {
    expect(msiDecode(0, 0, 0x41).ok).toBe(false);
    expect(msiDecode(0xfee00000, 1, 0x41).ok).toBe(false);
    expect(msiDecode(0xfee00000, 0, 0x1f).ok).toBe(false);
  });
});

describe('local APICs', () => {
  it('latch a vector for its CPU only; two messages before delivery merge (edge); delivery clears the IRR bit', () => {
    // Arrange
    const { irq } = platform();
    irq.msi.register(1, 0x41, function* () {});
    // Act
    expect(irq.msi.receive(0xfee01000, 0, 0x41)).toBe(true);
    expect(irq.msi.receive(0xfee01000, 0, 0x41)).toBe(true);
    // Assert
    expect(irq.pendingFor(0)).toBe(-1);
    expect(irq.pendingFor(1)).toBe(MSI_LINE_BASE + 0x41);
    const taken = irq.take(1);
    expect(taken.line).toBe(MSI_LINE_BASE + 0x41);
    expect(irq.pendingFor(1)).toBe(-1);
  });

  it('lines come before vectors; end of interrupt for a vector is a no-op (edge)', () => {
    const { irq } = platform();
    irq.request(0, function* () {});
    irq.msi.register(0, 0x22, function* () {});
    irq.setLevel(0, 1);
    irq.msi.receive(0xfee00000, 0, 0x22);
    expect(irq.pendingFor(0)).toBe(0);
    irq.take(0);
    expect(irq.pendingFor(0)).toBe(MSI_LINE_BASE + 0x22);
    irq.endOfInterrupt(MSI_LINE_BASE + 0x22);
  });

  it('drop and record a message with no handler on its (cpu, vector), or a malformed one', () => {
    const { world, irq } = platform();
    irq.msi.register(0, 0x22, function* () {});
    expect(irq.msi.receive(0xfee01000, 0, 0x22)).toBe(false); // right vector, wrong CPU
    expect(irq.msi.receive(0x12345000, 0, 0x22)).toBe(false);
    expect(irq.msi.dropped).toBe(2);
    const notes = world.trace.flatMap((r) => (r.kind === 'effect' && r.effect.kind === 'note' ? [r.effect.note] : []));
    expect(notes).toEqual(['apic.spuriousVector', 'apic.spuriousVector']);
    expect(irq.pendingFor(0)).toBe(-1);
  });

  it('deliver to a vCPU as a kernel choice: the handler runs nested and the trace shows the encoded vector', () => {
    const { world, irq, bus } = platform(1);
    const ran: number[] = [];
    irq.msi.register(0, 0x30, function* (cpu, vector): Process { ran.push(cpu, vector); yield note('handled', {}); });
    function* body(): Process { yield note('idle', {}); }
    bus.cpuOf.set(spawnVcpu(world, irq, 0, (function* (): Process {
      irq.msi.send(0xfee00000, 0, 0x30, 'dev.test'); // a device sends while the vCPU runs
      yield* body();
      yield { kind: 'wait', until: () => ran.length > 0, site: 'wait' };
    })()), 0);
    expect(world.run()).toBe('quiescent');
    expect(ran).toEqual([0, 0x30]);
    expect(world.trace.some((r) => r.kind === 'irqEnter' && r.line === MSI_LINE_BASE + 0x30)).toBe(true);
    expect(world.trace.some((r) => r.kind === 'effect' && r.effect.kind === 'sendMsi' && r.effect.addr === 0xfee00000)).toBe(true);
  });
});
