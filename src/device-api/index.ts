// The device API's public surface (re-exported from the package root): the contract, the
// platform's effects, and helpers an implementation may reuse instead of copying ours.

export type { DeviceFactory, DeviceImplementation, DevicePlatform, DeviceRunConfig, GuestMemoryAccess } from './types.ts';
export { DeviceNotes } from './notes.ts';
export { MmioInterruptStatus } from './interrupt-status.ts';
export { DeviceModuleError } from './platform.ts';
export { buildDeviceSimulation, deviceBuilder, unsupportedForDevice, type DeviceSimulation } from './simulation.ts';
export { loadDeviceModule } from './load-module.ts';
export { fromSynchronousDevice, type SynchronousDevice, type SynchronousHost } from './synchronous.ts';
/** The effects a device yields (each one atomic, visible step) and the process type. */
export { load, store, fence, setIrq, locked, wait, note, checkpoint, type Process, type Effect, type AccessSize, type NoteData } from '../kernel/index.ts';
/** Split-ring device side over effects (QEMU virtqueue_pop/push/should_notify), with the notes the oracles read. */
export { DeviceVirtqueue as SplitVirtqueue, type QueueElement } from '../device/virtqueue.ts';
/** A BQL-like device lock: register accesses wait while a device thread holds it. */
export { DeviceLock } from '../device/device-lock.ts';
export { MMIO, MMIO_MAGIC, MMIO_VENDOR_QEMU, MMIO_INT } from '../../spec/facts/mmio-registers.ts';
export { STATUS } from '../../spec/facts/status-bits.ts';
export { VIRTIO_F, VIRTIO_NET_F, featureMask, hasFeature } from '../../spec/facts/feature-bits.ts';
export { splitRing, VIRTQ_DESC_F, VIRTQ_AVAIL_F_NO_INTERRUPT, VIRTQ_USED_F_NO_NOTIFY } from '../../spec/facts/split-ring-layout.ts';
export { vringNeedEvent } from '../../spec/formulas.ts';
