// A path is the list of choices a run made (only at steps with more than one choice).
// Serialised as base-36 digits, one per choice, with `(n)` for the rare index ≥ 36:
// short enough to paste into a replay command.

export function encodePath(path: readonly number[]): string {
  let s = '';
  for (const c of path) s += c < 36 ? c.toString(36) : `(${c})`;
  return s;
}

/** Trailing zeros are implied: a source that runs out of choices takes choice 0. */
export function trimPath(path: readonly number[]): number[] {
  let end = path.length;
  while (end > 0 && path[end - 1] === 0) end--;
  return path.slice(0, end);
}

export class PathSyntaxError extends Error {}

export function decodePath(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '(') {
      const end = text.indexOf(')', i);
      const n = end < 0 ? NaN : Number(text.slice(i + 1, end));
      if (!Number.isInteger(n) || n < 0) throw new PathSyntaxError(`invalid path at character ${i + 1}: ${JSON.stringify(text.slice(i, i + 8))}`);
      out.push(n);
      i = end;
    } else {
      const n = parseInt(ch, 36);
      if (Number.isNaN(n)) throw new PathSyntaxError(`invalid path at character ${i + 1}: ${JSON.stringify(ch)}`);
      out.push(n);
    }
  }
  return out;
}
