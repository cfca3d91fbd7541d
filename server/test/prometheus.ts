/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4), as a scraper
 * sees it: every line must be a HELP, TYPE or sample line, every sample must belong to a
 * declared family, label values are unescaped. (The one parser package on npm merges the
 * label sets of a histogram into one, so it cannot check labelled histograms.)
 */
export type Sample = { name: string; labels: Record<string, string>; value: number };
export type Family = { name: string; help: string; type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped'; samples: Sample[] };

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})?\\s+(\\S+)(?:\\s+(-?\\d+))?$`);
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;
const SUFFIXES: Record<Family['type'], string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

function parseValue(text: string, line: string): number {
  // As Prometheus reads them (Go's ParseFloat): NaN and Inf in any case; prom-client writes "Nan".
  const special = text.toLowerCase();
  if (special === 'nan') return NaN;
  if (special === '+inf' || special === 'inf') return Infinity;
  if (special === '-inf') return -Infinity;
  const value = Number(text);
  if (Number.isNaN(value)) throw new Error(`not a sample value: ${line}`);
  return value;
}

function parseLabels(text: string | undefined, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  if (!text) return labels;
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const match = LABEL.exec(text);
    if (!match) throw new Error(`malformed labels: ${line}`);
    labels[match[1]!] = match[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

export function parseMetrics(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { name, help: '', type: 'untyped', samples: [] }));
    return f;
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const meta = new RegExp(`^# (HELP|TYPE) (${NAME}) ?(.*)$`).exec(line);
    if (meta) {
      if (meta[1] === 'HELP') family(meta[2]!).help = meta[3]!;
      else if (meta[3]! in SUFFIXES) family(meta[2]!).type = meta[3] as Family['type'];
      else throw new Error(`unknown metric type: ${line}`);
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`malformed sample line: ${line}`);
    const name = sample[1]!;
    const owner = [...families.values()].find((f) => SUFFIXES[f.type].some((suffix) => `${f.name}${suffix}` === name));
    if (!owner) throw new Error(`sample of an undeclared metric: ${line}`);
    owner.samples.push({ name, labels: parseLabels(sample[2], line), value: parseValue(sample[3]!, line) });
  }
  return families;
}

/**
 * Sum over the samples of a family whose labels include `match`: of a counter or gauge,
 * its values; of a histogram, its observation counts (`_count`).
 */
export function total(families: Map<string, Family>, name: string, match: Record<string, string> = {}): number {
  const family = families.get(name);
  if (!family) return 0;
  const sampleName = family.type === 'histogram' || family.type === 'summary' ? `${name}_count` : name;
  return family.samples.filter((s) => s.name === sampleName && Object.entries(match).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
}
