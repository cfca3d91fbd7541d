/**
 * Label and field selectors as the API server parses them: `a=b`, `a==b`, `a!=b`,
 * `a in (x,y)`, `a notin (x)`, `a`, `!a` for labels; `path=value` / `path!=value`
 * for fields.
 */
export type Matcher = (object: KubeLike) => boolean;
export type KubeLike = { metadata: { name?: string; namespace?: string; labels?: Record<string, string> } } & Record<string, unknown>;

export class SelectorError extends Error {}

function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

export function parseLabelSelector(selector: string | null | undefined): Matcher {
  if (!selector) return () => true;
  const tests = splitTopLevel(selector).map((term): ((labels: Record<string, string>) => boolean) => {
    let m = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (m) {
      const [, key, op, list] = m;
      const values = new Set(list!.split(',').map((v) => v.trim()));
      return op === 'in' ? (l) => key! in l && values.has(l[key!]!) : (l) => !(key! in l) || !values.has(l[key!]!);
    }
    m = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s]*)$/.exec(term);
    if (m) {
      const [, key, op, value] = m;
      return op === '!=' ? (l) => l[key!] !== value : (l) => l[key!] === value;
    }
    m = /^(!?)([^\s!=()]+)$/.exec(term);
    if (m) {
      const [, not, key] = m;
      return not ? (l) => !(key! in l) : (l) => key! in l;
    }
    throw new SelectorError(`unable to parse requirement: ${term}`);
  });
  return (object) => {
    const labels = object.metadata.labels ?? {};
    return tests.every((t) => t(labels));
  };
}

function valueAt(object: unknown, path: string): string {
  let current: unknown = object;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return '';
    current = (current as Record<string, unknown>)[part];
  }
  return current === undefined || current === null ? '' : String(current);
}

/** `allowed` limits the field paths (custom resources only support metadata.name and metadata.namespace). */
export function parseFieldSelector(selector: string | null | undefined, allowed?: ReadonlySet<string>): Matcher {
  if (!selector) return () => true;
  const tests = splitTopLevel(selector).map((term) => {
    const m = /^([^\s!=]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw new SelectorError(`invalid field selector: ${term}`);
    const [, path, op, value] = m;
    if (allowed && !allowed.has(path!)) throw new SelectorError(`field label not supported: ${path}`);
    return (o: KubeLike) => (op === '!=' ? valueAt(o, path!) !== value : valueAt(o, path!) === value);
  });
  return (object) => tests.every((t) => t(object));
}
