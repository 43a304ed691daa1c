// The register blocks of the MSI profiles: when address/data take effect (live vs latched,
// spec-notes §6.5.1), the shared selector, mask and pending bits (QEMU msix_notify /
// msix_handle_mask_update, §5.3), and the MSI-X mappings (PCI-DEV-3/4/5; BZ-KVT-02).
import { describe, expect, it } from 'vitest';
import { ArrayChoiceSource, World } from '../../kernel/index.ts';
import { GuestMemory } from '../../platform/guest-memory.ts';
import { MmioBus } from '../../platform/mmio-bus.ts';
import { InterruptController } from '../../platform/interrupt-controller.ts';
import { DeviceMsiVectors, UNMAPPED } from './msi-vectors.ts';
import { MmioMsiBlock } from './mmio-msi-block.ts';
import { PciMsixBlock } from './pci-msix-block.ts';
import { MMIO_MSI, MMIO_MSI_CMD, MMIO_MSI_NO_VECTOR, PCI_MSIX, VIRTIO_MSI_NO_VECTOR } from '../../../spec/facts/msi-registers.ts';

function setup(resetEntry = UNMAPPED, maskedAtReset = false) {
  const bus = new MmioBus();
  const world = new World({ memory: new GuestMemory(0x100), bus, memoryModel: 'sc', source: new ArrayChoiceSource([]), maxSteps: 10 });
  const irq = new InterruptController(world, 2, 1);
  bus.controller = irq;
  const vectors = new DeviceMsiVectors(world, irq.msi, 3, 2, { resetEntry, maskedAtReset });
  const sent = () => world.trace.flatMap((r) => (r.kind === 'effect' && r.effect.kind === 'sendMsi' ? [[r.effect.addr, r.effect.data]] : []));
  return { world, irq, vectors, sent };
}

function program(b: MmioMsiBlock, sel: number, addr: number, data: number): void {
  b.write(MMIO_MSI.MsiVecSel, sel, 0);
  b.write(MMIO_MSI.MsiAddrLow, addr, 0);
  b.write(MMIO_MSI.MsiAddrHigh, 0, 0);
  b.write(MMIO_MSI.MsiData, data, 0);
  b.write(MMIO_MSI.MsiCmd, MMIO_MSI_CMD.CONFIGURE, 0);
}

describe('2020 MMIO MSI block', () => {
  it('live: an event between MsiAddrLow and MsiData sends the torn pair (new destination, old vector)', () => {
    const { vectors, sent } = setup();
    const b = new MmioMsiBlock(vectors, 'live');
    program(b, 1, 0xfee00000, 0x23);
    b.write(MMIO_MSI.MsiVecSel, 1, 0);
    b.write(MMIO_MSI.MsiCmd, MMIO_MSI_CMD.MAP_QUEUE, 0);
    b.write(MMIO_MSI.MsiCmd, MMIO_MSI_CMD.ENABLE, 0);
    b.write(MMIO_MSI.MsiAddrLow, 0xfee01000, 0); // the affinity change has begun
    vectors.raise('vring', 0);
    expect(sent()).toEqual([[0xfee01000, 0x23]]);
  });

  it('latched: nothing changes until CONFIGURE, which commits to the vector MsiVecSel names at that moment', () => {
    const { vectors } = setup();
    const b = new MmioMsiBlock(vectors, 'latched');
    program(b, 1, 0xfee00000, 0x23);
    b.write(MMIO_MSI.MsiVecSel, 1, 0);
    b.write(MMIO_MSI.MsiAddrLow, 0xfee01000, 0);
    b.write(MMIO_MSI.MsiData, 0x42, 0);
    expect(vectors.entries[1]!.msg).toEqual({ addrLo: 0xfee00000, addrHi: 0, data: 0x23 });
    b.write(MMIO_MSI.MsiVecSel, 2, 0); // another CPU moves the shared selector
    b.write(MMIO_MSI.MsiCmd, MMIO_MSI_CMD.CONFIGURE, 0);
    expect(vectors.entries[2]!.msg).toEqual({ addrLo: 0xfee01000, addrHi: 0, data: 0x42 });
    expect(vectors.entries[1]!.msg.data).toBe(0x23);
  });

  it('masked: an event while masked sets the pending bit and is sent once on unmask, to the new message', () => {
    const { vectors, sent } = setup();
    const b = new MmioMsiBlock(vectors, 'live');
    program(b, 0, 0xfee00000, 0x22);
    b.write(MMIO_MSI.MsiCmd, MMIO_MSI_CMD.MAP_CONFIG, 0);
    b.write(MMIO_MSI.MsiCmd, MMIO_MSI_CMD.ENABLE, 0);
    b.write(MMIO_MSI.MsiCmd, MMIO_MSI_CMD.MASK, 0);
    vectors.raise('config', -1);
    vectors.raise('config', -1);
    program(b, 0, 0xfee01000, 0x41);
    expect(sent()).toEqual([]);
    b.write(MMIO_MSI.MsiCmd, MMIO_MSI_CMD.UNMASK, 0);
    expect(sent()).toEqual([[0xfee01000, 0x41]]);
  });

  it('NO_VECTOR unmaps: the event raises nothing', () => {
    const { vectors, sent } = setup();
    const b = new MmioMsiBlock(vectors, 'live');
    b.write(MMIO_MSI.MsiVecSel, MMIO_MSI_NO_VECTOR, 0);
    b.write(MMIO_MSI.MsiCmd, MMIO_MSI_CMD.MAP_QUEUE, 1);
    b.write(MMIO_MSI.MsiCmd, MMIO_MSI_CMD.ENABLE, 0);
    vectors.raise('vring', 1);
    expect(sent()).toEqual([]);
    expect(b.read(MMIO_MSI.MsiVecNum)).toBe(3);
  });
});

describe('pci-msix block', () => {
  it('after reset every event reads NO_VECTOR and every entry is masked (PCI-DEV-3/4)', () => {
    const { vectors } = setup(UNMAPPED, true);
    const b = new PciMsixBlock(vectors);
    expect(b.read(PCI_MSIX.ConfigMsixVector, 0)).toBe(VIRTIO_MSI_NO_VECTOR);
    expect(b.read(PCI_MSIX.QueueMsixVector, 1)).toBe(VIRTIO_MSI_NO_VECTOR);
    expect(b.read(PCI_MSIX.Table + 12, 0)).toBe(1);
    expect(b.read(PCI_MSIX.MessageControl, 0) & 0x7ff).toBe(2); // table size − 1
  });

  it('a mapping beyond the table fails and reads back NO_VECTOR (PCI-DEV-5); a valid one reads back', () => {
    const { vectors } = setup(UNMAPPED, true);
    const b = new PciMsixBlock(vectors);
    b.write(PCI_MSIX.QueueMsixVector, 7, 0);
    expect(b.read(PCI_MSIX.QueueMsixVector, 0)).toBe(VIRTIO_MSI_NO_VECTOR);
    b.write(PCI_MSIX.QueueMsixVector, 2, 0);
    expect(b.read(PCI_MSIX.QueueMsixVector, 0)).toBe(2);
  });

  it('BZ-KVT-02: with vectors defaulting to 0 an unmapped config event fires vector 0', () => {
    const { vectors, sent } = setup(0, true);
    const b = new PciMsixBlock(vectors);
    b.write(PCI_MSIX.MessageControl, 1 << 15, 0);
    b.write(PCI_MSIX.Table + 0, 0xfee00000, 0);
    b.write(PCI_MSIX.Table + 8, 0x22, 0);
    b.write(PCI_MSIX.Table + 12, 0, 0);
    expect(b.read(PCI_MSIX.ConfigMsixVector, 0)).toBe(0); // should read NO_VECTOR (PCI-DEV-3/4)
    vectors.raise('config', -1);
    expect(sent()).toEqual([[0xfee00000, 0x22]]);
  });

  it('masked entry: the PBA bit is set and the message goes out on unmask (msix_handle_mask_update)', () => {
    const { vectors, sent } = setup(UNMAPPED, true);
    const b = new PciMsixBlock(vectors);
    b.write(PCI_MSIX.MessageControl, 1 << 15, 0);
    b.write(PCI_MSIX.QueueMsixVector, 1, 0);
    vectors.raise('vring', 0);
    expect(b.read(PCI_MSIX.Pba, 0)).toBe(0b10);
    b.write(PCI_MSIX.Table + 16, 0xfee01000, 0);
    b.write(PCI_MSIX.Table + 24, 0x42, 0);
    b.write(PCI_MSIX.Table + 28, 0, 0);
    expect(sent()).toEqual([[0xfee01000, 0x42]]);
    expect(b.read(PCI_MSIX.Pba, 0)).toBe(0);
  });
});
