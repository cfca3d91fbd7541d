/**
 * `tsx bench/profile-summary.ts FILE.cpuprofile... [--top N] [--results stream-….json --phase stream|burst|floor]`:
 * where a V8 CPU profile (`node --cpu-prof`, e.g. from `pnpm bench:stream --cpu-prof`)
 * spends its time — self time by package/area and by function, plus inclusive time of
 * the functions on the hottest paths. With `--results`, only samples inside that
 * bench phase count (profiles and the bench share the monotonic clock).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; hitCount?: number; children?: number[] };
type Profile = { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, results: { type: 'string' }, phase: { type: 'string', default: 'stream' } },
});
if (positionals.length === 0) {
  console.error('usage: tsx bench/profile-summary.ts FILE.cpuprofile... [--top N] [--results stream-….json --phase stream|burst|floor]');
  process.exit(2);
}
const TOP = Number(values.top);
let WINDOW: [number, number] = [0, Number.POSITIVE_INFINITY];
if (values.results) {
  const results = JSON.parse(await readFile(values.results, 'utf8')) as { cpuProfiles?: { windowsUs?: Record<string, [number, number]> } | null };
  const window = results.cpuProfiles?.windowsUs?.[values.phase];
  if (!window) {
    console.error(`${values.results} has no "${values.phase}" window (run the bench with --cpu-prof)`);
    process.exit(2);
  }
  WINDOW = window;
}

/** A short name for where code lives: a package, a Node internal, or a Paddock source folder. */
function area(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const own = /\/(server|harnesses)\/(src\/[^/]+|[^/]+\/src\/[^/]+)/.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  return url.replace(/^file:\/\//, '');
}

for (const file of positionals) {
  const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  // Self time per node from the samples (timeDeltas are µs since the previous sample).
  const self = new Map<number, number>();
  let t = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (t < WINDOW[0] || t > WINDOW[1]) continue;
    const delta = profile.timeDeltas[i + 1] ?? 0;
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + delta);
    total += delta;
  }

  const selfBy = (key: (n: ProfileNode) => string) => {
    const out = new Map<string, number>();
    for (const [id, us] of self) {
      const k = key(byId.get(id)!);
      out.set(k, (out.get(k) ?? 0) + us);
    }
    return [...out].sort((a, b) => b[1] - a[1]);
  };
  // Inclusive: each sample counts once for every distinct function on its stack.
  const inclusive = new Map<string, number>();
  for (const [id, us] of self) {
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const node = byId.get(n)!;
      const k = fnName(node);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us);
    }
  }

  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms ${((us / total) * 100).toFixed(1).padStart(5)}%`;
  console.log(`\n== ${file}: ${(total / 1e6).toFixed(2)} s sampled${values.results ? ` in the ${values.phase} phase` : ''}`);
  console.log('\n-- self time by area');
  for (const [k, us] of selfBy((n) => area(n.callFrame.url, n.callFrame.functionName)).slice(0, TOP)) console.log(`${ms(us)}  ${k}`);
  console.log('\n-- self time by function');
  for (const [k, us] of selfBy(fnName).slice(0, TOP)) console.log(`${ms(us)}  ${k}`);
  console.log('\n-- inclusive time by function');
  for (const [k, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, TOP * 2)) console.log(`${ms(us)}  ${k}`);
}

function fnName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${area(url, functionName)}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
}
