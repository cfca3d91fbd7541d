// Bundles the runtime into dist/runtime.mjs: one JavaScript file Node loads as it is,
// without compiling TypeScript at start-up and without resolving hundreds of modules, so
// each sandbox's process starts faster and holds far less memory. Code only some turns
// need (the MCP client, undici for model calls) goes into chunks loaded on first use. `pnpm install` runs this;
// the local sandbox driver falls back to src/main.ts while the bundle is missing or older
// than the source.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** An install without development dependencies has no esbuild: the source then runs as it is. */
const esbuild = await import('esbuild').catch((error) => {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  process.stderr.write(
    'harness runtime: esbuild is not installed (an install without development dependencies), so there is no bundle; sandboxes run src/main.ts.\n',
  );
  process.exit(0);
});

const root = import.meta.dirname;
const dist = path.join(root, 'dist');

const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: { runtime: 'src/main.ts' },
  outdir: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  outExtension: { '.js': '.mjs' },
  chunkNames: '[name]-[hash]',
  // CommonJS dependencies (pino, undici) call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __paddockCreateRequire } from 'node:module'; const require = __paddockCreateRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
});

// Each file lands whole (written aside, then renamed) and the entry last, so a runtime
// starting while this runs never loads half a bundle.
await mkdir(dist, { recursive: true });
const entry = path.join(dist, 'runtime.mjs');
const files = [...result.outputFiles.filter((f) => f.path !== entry), ...result.outputFiles.filter((f) => f.path === entry)];
for (const file of files) {
  const partial = `${file.path}.${randomBytes(4).toString('hex')}.partial`;
  await writeFile(partial, file.contents);
  await rename(partial, file.path);
}
const written = new Set(files.map((f) => path.basename(f.path)));
// Chunks of earlier builds go; another build's files in progress (.partial) stay.
for (const name of await readdir(dist)) if (name.endsWith('.mjs') && !written.has(name)) await rm(path.join(dist, name), { force: true });
