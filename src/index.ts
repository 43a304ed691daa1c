// The package root: the public API, by name.

// --- device API (branch devapi): plug another device implementation into the simulator
export type { DeviceFactory, DeviceImplementation, DevicePlatform, DeviceRunConfig, GuestMemoryAccess, DeviceSimulation, SynchronousDevice, SynchronousHost, Process, Effect, AccessSize, NoteData, QueueElement } from './device-api/index.ts';
export {
  DeviceNotes, MmioInterruptStatus, DeviceModuleError, buildDeviceSimulation, deviceBuilder, unsupportedForDevice, loadDeviceModule, fromSynchronousDevice,
  load, store, fence, setIrq, locked, wait, note, checkpoint, SplitVirtqueue, DeviceLock,
  MMIO, MMIO_MAGIC, MMIO_VENDOR_QEMU, MMIO_INT, STATUS, VIRTIO_F, VIRTIO_NET_F, featureMask, hasFeature,
  splitRing, VIRTQ_DESC_F, VIRTQ_AVAIL_F_NO_INTERRUPT, VIRTQ_USED_F_NO_NOTIFY, vringNeedEvent,
} from './device-api/index.ts';
export { explore, type ExploreOptions, type ExploreResult } from './explore/explore.ts';
export { VARIANTS, variantByName, type Variant } from './variants/catalogue.ts';
// --- end device API
