/**
 * A small Markdown parser for chat messages. It produces a plain tree that the
 * renderer turns into React elements, so text is never interpreted as HTML: raw
 * `<tags>` stay literal text, and only http(s) and mailto links become links.
 * Supported: paragraphs, hard line breaks, headings, fenced code (an unclosed fence,
 * as seen mid-stream, runs to the end), block quotes, ordered and unordered lists
 * (nested by indentation), rules, inline code, strong, emphasis, strikethrough,
 * links and autolinks. Images become links, so opening a chat never loads remote content.
 */
export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'strong' | 'em' | 'del'; children: Inline[] }
  | { kind: 'link'; href: string; children: Inline[] }
  | { kind: 'br' };

export type Block =
  | { kind: 'paragraph'; children: Inline[] }
  | { kind: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; children: Inline[] }
  | { kind: 'code'; lang: string; text: string; closed: boolean }
  | { kind: 'quote'; children: Block[] }
  | { kind: 'list'; ordered: boolean; start: number; items: Block[][] }
  | { kind: 'rule' };

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$/;
const RULE = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const LIST_ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])(\s+|$)(.*)$/;

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** The URL if it is absolute and uses a protocol that cannot run script; null otherwise. */
export function safeHref(raw: string): string | null {
  const trimmed = raw.trim();
  // Control characters and whitespace can hide a "javascript:" scheme from naive checks.
  for (const c of trimmed) {
    const code = c.codePointAt(0)!;
    if (code <= 0x20 || code === 0x7f) return null;
  }
  try {
    const url = new URL(trimmed);
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

export function parseMarkdown(source: string): Block[] {
  return parseBlocks(source.replace(/\r\n?/g, '\n').split('\n'));
}

function startsBlock(line: string): boolean {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || LIST_ITEM.test(line);
}

function parseBlocks(lines: string[]): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1]!;
      const indent = line.length - line.trimStart().length;
      const body: string[] = [];
      let closed = false;
      i++;
      while (i < lines.length) {
        const current = lines[i]!;
        const trimmed = current.trim();
        if (trimmed.startsWith(marker[0]!.repeat(marker.length)) && /^(`+|~+)$/.test(trimmed) && trimmed[0] === marker[0]) {
          closed = true;
          i++;
          break;
        }
        body.push(current.slice(Math.min(indent, current.length - current.trimStart().length)));
        i++;
      }
      blocks.push({ kind: 'code', lang: fence[2] ?? '', text: body.join('\n'), closed });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ kind: 'heading', level: heading[1]!.length as 1 | 2 | 3 | 4 | 5 | 6, children: parseInline(heading[2] ?? '') });
      i++;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ kind: 'rule' });
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const inner: string[] = [];
      while (i < lines.length && lines[i]!.trim() !== '') {
        const q = QUOTE.exec(lines[i]!);
        inner.push(q ? q[1]! : lines[i]!);
        i++;
      }
      blocks.push({ kind: 'quote', children: parseBlocks(inner) });
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      const parsed = parseList(lines, i);
      blocks.push(parsed.block);
      i = parsed.next;
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '' && (para.length === 0 || !startsBlock(lines[i]!))) {
      para.push(lines[i]!.trim());
      i++;
    }
    blocks.push({ kind: 'paragraph', children: parseInline(para.join('\n')) });
  }
  return blocks;
}

function parseList(lines: string[], from: number): { block: Block; next: number } {
  const first = LIST_ITEM.exec(lines[from]!)!;
  const ordered = /\d/.test(first[2]!);
  const start = ordered ? Number.parseInt(first[2]!, 10) : 1;
  const baseIndent = first[1]!.length;
  const items: Block[][] = [];
  let i = from;
  while (i < lines.length) {
    const match = LIST_ITEM.exec(lines[i]!);
    if (!match || match[1]!.length !== baseIndent || /\d/.test(match[2]!) !== ordered) break;
    const contentIndent = baseIndent + match[2]!.length + Math.max(1, Math.min(match[3]!.length, 4));
    const body: string[] = [match[4]!];
    i++;
    while (i < lines.length) {
      const current = lines[i]!;
      if (current.trim() === '') {
        // A blank line continues the item only if the next line is indented into it.
        const next = lines[i + 1];
        if (next !== undefined && next.trim() !== '' && indentOf(next) >= contentIndent) {
          body.push('');
          i++;
          continue;
        }
        break;
      }
      const indent = indentOf(current);
      if (indent >= contentIndent || (indent > baseIndent && LIST_ITEM.test(current))) {
        body.push(current.slice(Math.min(indent, contentIndent)));
        i++;
        continue;
      }
      if (LIST_ITEM.test(current) || startsBlock(current)) break;
      body.push(current.trim()); // lazy continuation of the item's paragraph
      i++;
    }
    items.push(parseBlocks(body));
    while (i < lines.length && lines[i]!.trim() === '' && lines[i + 1] !== undefined && LIST_ITEM.test(lines[i + 1]!)) {
      const next = LIST_ITEM.exec(lines[i + 1]!)!;
      if (next[1]!.length !== baseIndent) break;
      i++;
    }
  }
  return { block: { kind: 'list', ordered, start, items }, next: i };
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;
const BARE_URL = /^https?:\/\/[^\s<>"]*[^\s<>".,:;!?'")\]*_~]/;

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let buffer = '';
  const flush = () => {
    if (buffer) out.push({ kind: 'text', text: buffer });
    buffer = '';
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const rest = text.slice(i);

    if (ch === '\\' && i + 1 < text.length && PUNCTUATION.test(text[i + 1]!)) {
      buffer += text[i + 1];
      i += 2;
      continue;
    }
    if (ch === '\n') {
      flush();
      out.push({ kind: 'br' });
      i++;
      continue;
    }
    if (ch === '`') {
      const run = /^`+/.exec(rest)![0];
      const close = text.indexOf(run, i + run.length);
      if (close > 0 && text[close + run.length] !== '`') {
        flush();
        let code = text.slice(i + run.length, close).replace(/\n/g, ' ');
        if (code.startsWith(' ') && code.endsWith(' ') && code.trim() !== '') code = code.slice(1, -1);
        out.push({ kind: 'code', text: code });
        i = close + run.length;
        continue;
      }
      buffer += run;
      i += run.length;
      continue;
    }
    if (ch === '[' || (ch === '!' && text[i + 1] === '[')) {
      const open = ch === '!' ? i + 1 : i;
      const link = parseLink(text, open);
      if (link) {
        flush();
        const label = parseInline(link.label);
        const href = safeHref(link.href);
        if (href) out.push({ kind: 'link', href, children: label.length > 0 ? label : [{ kind: 'text', text: href }] });
        else out.push(...label);
        i = link.end;
        continue;
      }
    }
    if (ch === '<') {
      const auto = /^<((?:https?:\/\/|mailto:)[^\s<>]+)>/.exec(rest);
      if (auto) {
        const href = safeHref(auto[1]!);
        flush();
        out.push(href ? { kind: 'link', href, children: [{ kind: 'text', text: auto[1]! }] } : { kind: 'text', text: auto[0] });
        i += auto[0].length;
        continue;
      }
    }
    if (ch === 'h' && (i === 0 || /[\s(]/.test(text[i - 1]!))) {
      const bare = BARE_URL.exec(rest);
      const href = bare ? safeHref(bare[0]) : null;
      if (bare && href) {
        flush();
        out.push({ kind: 'link', href, children: [{ kind: 'text', text: bare[0] }] });
        i += bare[0].length;
        continue;
      }
    }
    if (ch === '*' || ch === '_' || ch === '~') {
      const emphasis = parseEmphasis(text, i);
      if (emphasis) {
        flush();
        out.push(emphasis.node);
        i = emphasis.end;
        continue;
      }
    }
    buffer += ch;
    i++;
  }
  flush();
  return out;
}

function parseLink(text: string, open: number): { label: string; href: string; end: number } | null {
  let depth = 0;
  let close = -1;
  for (let j = open; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') {
      j++;
      continue;
    }
    if (c === '[') depth++;
    else if (c === ']') {
      depth--;
      if (depth === 0) {
        close = j;
        break;
      }
    } else if (c === '\n' && text[j + 1] === '\n') return null;
  }
  if (close < 0 || text[close + 1] !== '(') return null;
  const target = /^\(\s*<?([^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/.exec(text.slice(close + 1));
  if (!target) return null;
  return { label: text.slice(open + 1, close), href: target[1]!, end: close + 1 + target[0].length };
}

function parseEmphasis(text: string, at: number): { node: Inline; end: number } | null {
  const ch = text[at]!;
  const double = text[at + 1] === ch;
  if (ch === '~' && !double) return null;
  const delim = double ? ch + ch : ch;
  const after = text[at + delim.length];
  if (after === undefined || /\s/.test(after)) return null;
  // Intraword underscores (snake_case) are not emphasis.
  if (ch === '_' && at > 0 && /\w/.test(text[at - 1]!)) return null;
  let j = at + delim.length;
  while (j < text.length) {
    const close = text.indexOf(delim, j);
    if (close < 0) return null;
    const inner = text.slice(at + delim.length, close);
    const before = text[close - 1]!;
    const next = text[close + delim.length];
    const valid =
      inner.length > 0 &&
      !/\s/.test(before) &&
      !(delim.length === 1 && next === ch) &&
      !(ch === '_' && next !== undefined && /\w/.test(next)) &&
      !inner.includes('\n\n');
    if (valid) {
      const kind = ch === '~' ? 'del' : double ? 'strong' : 'em';
      return { node: { kind, children: parseInline(inner) }, end: close + delim.length };
    }
    j = close + (delim.length === 1 && next === ch ? 2 : 1);
  }
  return null;
}
