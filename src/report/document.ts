// A small document model the report is built in, rendered twice: Markdown (GitHub renders
// ```mermaid blocks inline) and a self-contained HTML page (Mermaid's bundle inlined, so
// it works offline). Inline text may use **bold** and `code`, nothing else.

export type Block =
  | { readonly kind: 'h'; readonly level: 1 | 2 | 3 | 4; readonly text: string; readonly id?: string }
  | { readonly kind: 'p'; readonly text: string }
  | { readonly kind: 'list'; readonly items: readonly string[] }
  | { readonly kind: 'table'; readonly header: readonly string[]; readonly rows: readonly (readonly string[])[] }
  | { readonly kind: 'mermaid'; readonly source: string }
  | { readonly kind: 'pre'; readonly text: string }
  | { readonly kind: 'details'; readonly summary: string; readonly blocks: readonly Block[] };

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function toMarkdown(blocks: readonly Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'h': out.push(`${'#'.repeat(b.level)} ${b.text}`, ''); break;
      case 'p': out.push(b.text, ''); break;
      case 'list': out.push(...b.items.map((i) => `- ${i}`), ''); break;
      case 'table':
        out.push(`| ${b.header.map(cell).join(' | ')} |`, `|${b.header.map(() => '---').join('|')}|`, ...b.rows.map((r) => `| ${r.map(cell).join(' | ')} |`), '');
        break;
      case 'mermaid': out.push('```mermaid', b.source.trimEnd(), '```', ''); break;
      case 'pre': out.push('```text', b.text.trimEnd(), '```', ''); break;
      case 'details': out.push('<details>', `<summary>${b.summary}</summary>`, '', toMarkdown(b.blocks).trimEnd(), '', '</details>', ''); break;
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

export const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** **bold** and `code` inside escaped text. */
function inline(s: string): string {
  return s.split(/(`[^`]*`)/).map((part) => (part.startsWith('`') && part.endsWith('`') && part.length > 1
    ? `<code>${escapeHtml(part.slice(1, -1))}</code>`
    : escapeHtml(part).replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>'))).join('');
}

export function toHtmlBody(blocks: readonly Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'h': out.push(`<h${b.level}${b.id ? ` id="${escapeHtml(b.id)}"` : ''}>${inline(b.text)}</h${b.level}>`); break;
      case 'p': out.push(`<p>${inline(b.text)}</p>`); break;
      case 'list': out.push(`<ul>${b.items.map((i) => `<li>${inline(i)}</li>`).join('')}</ul>`); break;
      case 'table':
        out.push(`<table><thead><tr>${b.header.map((h) => `<th>${inline(h)}</th>`).join('')}</tr></thead><tbody>`,
          ...b.rows.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`), '</tbody></table>');
        break;
      case 'mermaid': out.push(`<pre class="mermaid">${escapeHtml(b.source)}</pre>`); break;
      case 'pre': out.push(`<pre class="ascii">${escapeHtml(b.text)}</pre>`); break;
      case 'details': out.push(`<details><summary>${inline(b.summary)}</summary>`, toHtmlBody(b.blocks), '</details>'); break;
    }
  }
  return out.join('\n');
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;line-height:1.45;color:#1b1b1b}
table{border-collapse:collapse;margin:1em 0;font-size:.9em}th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top}th{background:#f3f3f3}
code{background:#f3f3f3;padding:0 .2em;border-radius:3px;font-size:.9em}pre.ascii{background:#f7f7f7;padding:.6em;overflow-x:auto;font-size:.8em}
pre.mermaid{background:#fff;overflow-x:auto}details{margin:.5em 0}summary{cursor:pointer}`;

/**
 * A self-contained page: the body, then the Mermaid bundle (`mermaidJs`, the text of
 * mermaid's dist/mermaid.min.js) inlined and run once the page has loaded.
 */
export function toHtmlPage(title: string, blocks: readonly Block[], mermaidJs: string): string {
  // A `</script` inside the bundle would end the tag early.
  const bundle = mermaidJs.replace(/<\/script/gi, '<\\/script');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${STYLE}</style></head>
<body>
${toHtmlBody(blocks)}
<script>${bundle}</script>
<script>
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', maxTextSize: 500000, sequence: { useMaxWidth: false } });
mermaid.run({ querySelector: 'pre.mermaid' }).then(
  () => { document.body.dataset.mermaid = 'done'; },
  (err) => { document.body.dataset.mermaid = 'failed'; console.error('mermaid: ' + err); });
</script>
</body></html>
`;
}
