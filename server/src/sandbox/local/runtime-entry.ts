import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const RUNTIME_DIR = path.resolve(import.meta.dirname, '../../../../harnesses/runtime');

/**
 * V8 flags every runtime runs with, here and in the harness images (their `command`).
 * undici parses HTTP in WebAssembly, and V8 would recompile the parser's hot functions
 * with TurboFan on a background thread whose memory (over 10 MB) then stays with the
 * process; the baseline (Liftoff) code parses a few bytes per token at no measurable CPU
 * cost (`pnpm bench:runtime`). V8 reads it only at start, so it cannot be set from inside.
 */
export const RUNTIME_V8_FLAGS = ['--liftoff-only'];

/**
 * How Node runs the runtime. `--disable-sigusr1`: SIGUSR1 would open Node's inspector, which
 * any process of the sandbox's uid could then drive. `--liftoff-only`: see RUNTIME_V8_FLAGS.
 */
export const RUNTIME_NODE_FLAGS = ['--disable-sigusr1', ...RUNTIME_V8_FLAGS];

/** The runtime as TypeScript, which Node strips of its types at every start. */
export const RUNTIME_SOURCE = path.join(RUNTIME_DIR, 'src', 'main.ts');

export type RuntimeEntry = { path: string; bundled: boolean; problem?: string };

/** Newest modification time among the files the bundle is built from. */
function newestInput(runtimeDir: string): number {
  let newest = 0;
  const visit = (file: string) => {
    newest = Math.max(newest, statSync(file).mtimeMs);
  };
  for (const entry of readdirSync(path.join(runtimeDir, 'src'), { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) visit(path.join(entry.parentPath, entry.name));
  }
  visit(path.join(runtimeDir, 'package.json'));
  visit(path.join(runtimeDir, 'build.mjs'));
  return newest;
}

/**
 * What sandboxes run: the runtime bundled into plain JavaScript (`pnpm build:runtime`, run
 * by `pnpm install`; half the memory per sandbox) when it is built from the current
 * source, else the source itself (correct, only heavier), with the reason, so a checkout
 * whose bundle is missing or older than an edit never runs stale code.
 */
export function resolveRuntimeEntry(runtimeDir = RUNTIME_DIR): RuntimeEntry {
  const bundle = path.join(runtimeDir, 'dist', 'runtime.mjs');
  const source = path.join(runtimeDir, 'src', 'main.ts');
  let built: number;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {
    return { path: source, bundled: false, problem: `${bundle} is missing` };
  }
  if (newestInput(runtimeDir) > built) return { path: source, bundled: false, problem: `${bundle} is older than the runtime's source` };
  return { path: bundle, bundled: true };
}
