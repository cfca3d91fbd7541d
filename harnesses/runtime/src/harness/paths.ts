import path from 'node:path';

/** This package's root: above `src/harness/` in the source, above `dist/` in the bundle (which has one directory level). */
const PACKAGE_DIR = path.basename(import.meta.dirname) === 'dist' ? path.dirname(import.meta.dirname) : path.resolve(import.meta.dirname, '../..');

/** `harnesses/` above this package: where the definitions live in the repository and in the images. */
export const DEFAULT_HARNESS_DIR = path.dirname(PACKAGE_DIR);

/** This package's `node_modules/.bin`, where npm-installed CLIs land when not on PATH. */
export const PACKAGE_BIN_DIR = path.join(PACKAGE_DIR, 'node_modules', '.bin');
