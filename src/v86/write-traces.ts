// Write the v86 runs' traces (JSON lines, the suite's format) for `virtio-conform check`:
//   npx tsx src/v86/write-traces.ts [DIR]      (default fixtures/v86)
// Fixed seeds (PCT, seed 1); the same command gives the same files byte for byte.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadVirtioConsole } from './v86-module.ts';
import { v86ConsoleDevice } from './v86-console.ts';
import { runV86, v86TraceJsonl } from './simulation.ts';
import { V86_TRACES } from './runs.ts';

async function main(dir: string): Promise<void> {
  const Console = await loadVirtioConsole();
  mkdirSync(dir, { recursive: true });
  for (const [file, options] of V86_TRACES) {
    const r = runV86(v86ConsoleDevice(Console), options);
    writeFileSync(join(dir, file), v86TraceJsonl(r));
    console.log(`${join(dir, file)}: ${r.outcome}, ${r.records.length} records, ${r.violations.length} violation(s)`);
  }
  process.exit(0); // v86's emulator keeps a handle open
}

await main(process.argv[2] ?? 'fixtures/v86');
