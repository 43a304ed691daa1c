// `virtio-conform check FILE` and `virtio-conform schema`: the trace checker on the command
// line. Exit 0 conformant, 1 violations, 2 bad input (one line naming the line and field).

import { createReadStream, existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Option, type Command } from 'commander';
import { checkJsonl } from '../check/check-jsonl.ts';
import { checkQemu } from '../check/check-qemu.ts';
import { TraceFormatError } from '../trace/jsonl.ts';
import { traceSchema } from '../trace/schema.ts';
import type { CheckReport } from '../check/trace-checker.ts';

export interface CheckOptions { readonly format: 'jsonl' | 'qemu'; readonly guest?: string; readonly json?: boolean }

export interface CheckOutcome { readonly report?: CheckReport; readonly error?: string; readonly exitCode: 0 | 1 | 2 }

/**
 * The library entry point of `check` over a byte stream: a report (exit 0 or 1), or a
 * one-line error for bad input (exit 2) — never a throw for bad input.
 * @example (await checkStream(Readable.from(['{"v":1…}\n']), 'jsonl')).exitCode
 */
export async function checkStream(chunks: AsyncIterable<Buffer | string>, format: 'jsonl' | 'qemu', guest?: AsyncIterable<Buffer | string>, name = 'trace'): Promise<CheckOutcome> {
  try {
    const report = format === 'qemu' ? await checkQemu(chunks, guest) : await checkJsonl(chunks);
    return { report, exitCode: report.verdict === 'conformant' ? 0 : 1 };
  } catch (err) {
    if (err instanceof TraceFormatError) return { error: oneLine(`${name}: ${err.message}`), exitCode: 2 };
    if (err instanceof Error && 'code' in err) return { error: oneLine(`${name}: ${err.message}`), exitCode: 2 }; // I/O: EISDIR, EACCES …
    throw err;
  }
}

/** `check FILE`: the file (and the guest trace beside it for qemu, when present). */
export async function checkFile(file: string, o: CheckOptions): Promise<CheckOutcome> {
  if (!existsSync(file) || !statSync(file).isFile()) return { error: `${file}: no such file`, exitCode: 2 };
  const sibling = join(dirname(file), 'guest-ktrace.txt');
  const guest = o.guest ?? (o.format === 'qemu' && existsSync(sibling) ? sibling : undefined);
  if (guest !== undefined && !existsSync(guest)) return { error: `${guest}: no such file`, exitCode: 2 };
  return checkStream(createReadStream(file), o.format, guest === undefined ? undefined : createReadStream(guest), file);
}

/** One printable line: control characters (newlines, escapes from binary garbage) become '?'. */
function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** The report for a person: verdict, what ran and what could not, each violation with its line. */
export function renderReport(file: string, r: CheckReport): string {
  const out: string[] = [];
  out.push(`${file}: ${r.verdict === 'conformant' ? 'conformant' : `${r.violations.length} violation(s)`} — ${r.lines} lines, ${r.records} records, ${r.devices.length} device(s) (${r.format})`);
  for (const d of r.devices) out.push(`  device ${d.dev}: ${d.name}, ${d.records} records`);
  out.push(`  oracles run: ${r.ran.join(', ')}`);
  for (const s of r.skipped) out.push(`  not run: ${s.property}: ${s.reason}`);
  for (const n of r.notes) out.push(`  note: ${n}`);
  for (const v of r.violations) {
    out.push(`${v.file === 'guest' ? 'guest ' : ''}${v.line === undefined ? 'line ?' : `line ${v.line}`} (device ${v.dev}): ${v.property} [${v.requirements.join(', ')}] ${v.summary}`);
    out.push(`    ${v.explanation}`);
  }
  return `${out.join('\n')}\n`;
}

/** Register `check` and `schema` on the program (the hook main.ts calls). */
export function registerCheckCommands(program: Command): void {
  program.command('check')
    .description('check a recorded trace against every oracle it carries enough information for; exit 0 conformant, 1 violations, 2 bad input')
    .argument('<file>', 'the trace')
    .addOption(new Option('--format <format>', 'jsonl (our format, `virtio-conform schema`) or qemu (QEMU log-backend trace)').choices(['jsonl', 'qemu']).default('jsonl'))
    .option('--guest <file>', 'qemu: the guest kernel trace (default: guest-ktrace.txt beside FILE, when present)')
    .option('--json', 'machine-readable report')
    .action(async (file: string, o: CheckOptions) => {
      const r = await checkFile(file, o);
      if (r.error !== undefined) process.stderr.write(`virtio-conform: ${r.error}\n`);
      else if (r.report) process.stdout.write(o.json ? `${JSON.stringify(r.report)}\n` : renderReport(file, r.report));
      process.exitCode = r.exitCode;
    });
  program.command('schema')
    .description('print the JSON Schema of the trace format (one JSON object per line)')
    .action(() => { process.stdout.write(`${JSON.stringify(traceSchema(), null, 2)}\n`); });
}
