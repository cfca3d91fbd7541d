import path from 'node:path';

/** `harnesses/` above this package: where the definitions live in the repository and in the images. */
export const DEFAULT_HARNESS_DIR = path.resolve(import.meta.dirname, '../../..');

/** This package's `node_modules/.bin`, where npm-installed CLIs land when not on PATH. */
export const PACKAGE_BIN_DIR = path.resolve(import.meta.dirname, '../../node_modules/.bin');
