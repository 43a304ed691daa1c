// Loading a device module for `virtio-conform run --device FILE`: before any run (the
// simulator itself stays synchronous), with one-line errors for a module that cannot serve.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DeviceModuleError } from './platform.ts';
import type { DeviceFactory } from './types.ts';

/** Import `file` and return its device factory (`default`, else `createDevice`). */
export async function loadDeviceModule(file: string): Promise<DeviceFactory> {
  const path = resolve(file);
  if (!existsSync(path)) throw new DeviceModuleError(`--device ${file}: no such file`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (err) {
    throw new DeviceModuleError(`--device ${file}: the module failed to load: ${oneLine(err)}`);
  }
  const factory = typeof mod.default === 'function' ? mod.default : mod.createDevice;
  if (typeof factory !== 'function') {
    throw new DeviceModuleError(`--device ${file}: the module must export a device factory as \`default\` or \`createDevice\` (exports: ${Object.keys(mod).join(', ') || 'none'})`);
  }
  return factory as DeviceFactory;
}

export function oneLine(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return m.split('\n')[0]!.slice(0, 300);
}
