// Where v86's virtio-console comes from: the pinned `v86` package (devDependency) exports only
// the emulator, so one headless emulator is built (not started) to reach the VirtioConsole
// constructor; every run then builds its own console on a stub CPU (v86-console.ts).
// The debug build keeps v86's names and its dbg_assert checks (a failed one throws: P-FAULT).

import { createRequire } from 'node:module';

/** v86's own objects, untyped internals behind this boundary. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type V86Any = any;

/** The pinned version (package.json devDependencies). */
export const V86_VERSION = '0.5.462';

let ctor: Promise<V86Any> | undefined;

/** The `VirtioConsole` constructor of the pinned v86 (built once per process, ~100 ms). */
export function loadVirtioConsole(): Promise<V86Any> {
  return (ctor ??= (async () => {
    const require = createRequire(import.meta.url);
    const lib = require.resolve('v86/build/libv86-debug.mjs');
    const wasm = require.resolve('v86/build/v86-debug.wasm');
    const { V86 } = (await import(lib)) as { V86: V86Any };
    const emulator = new V86({ wasm_path: wasm, autostart: false, virtio_console: true, memory_size: 1 << 20, log_level: 0 });
    const vc = await new Promise<V86Any>((resolve) => emulator.add_listener('emulator-loaded', () => resolve(emulator.v86.cpu.devices.virtio_console)));
    const Console = vc.constructor;
    await emulator.destroy?.();
    return Console;
  })());
}
