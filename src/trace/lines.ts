// Lines of a byte stream, one at a time, with a bound on a line's length: a file of any size
// (a 1 GB trace, a 1 GB line without a newline, binary garbage) is read in bounded memory.

import { StringDecoder } from 'node:string_decoder';
import { TraceFormatError } from './jsonl.ts';

/** The longest line accepted (bytes, before decoding); a longer one is bad input. */
export const MAX_LINE_BYTES = 64 * 1024;

/**
 * Split `chunks` into lines (without the newline or a trailing CR), numbered from 1.
 * Throws TraceFormatError for a line longer than `maxBytes`.
 * @example for await (const { text, no } of readLines(createReadStream(file))) …
 */
export async function* readLines(chunks: AsyncIterable<Buffer | string>, maxBytes = MAX_LINE_BYTES): AsyncGenerator<{ text: string; no: number }> {
  const decoder = new StringDecoder('utf8');
  let parts: Buffer[] = [];
  let partBytes = 0;
  let no = 0;
  const take = (tail: Buffer): string => {
    const all = parts.length === 0 ? tail : Buffer.concat([...parts, tail]);
    parts = [];
    partBytes = 0;
    const s = decoder.write(all) + decoder.end();
    return s.endsWith('\r') ? s.slice(0, -1) : s;
  };
  for await (const chunk of chunks) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      if (partBytes + nl - start > maxBytes) throw new TraceFormatError(no + 1, undefined, `is longer than ${maxBytes} bytes`);
      no++;
      yield { text: take(buf.subarray(start, nl)), no };
      start = nl + 1;
    }
    if (start < buf.length) {
      partBytes += buf.length - start;
      if (partBytes > maxBytes) throw new TraceFormatError(no + 1, undefined, `is longer than ${maxBytes} bytes`);
      parts.push(Buffer.from(buf.subarray(start)));
    }
  }
  if (partBytes > 0) {
    no++;
    yield { text: take(Buffer.alloc(0)), no };
  }
}
