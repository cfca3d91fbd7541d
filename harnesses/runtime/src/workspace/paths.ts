import { readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import { badRequest } from '../http/errors.ts';

export const isInside = (root: string, candidate: string) => candidate === root || candidate.startsWith(root + path.sep);

/**
 * Real path of `target`, or of its nearest existing ancestor when it does not exist yet.
 * A dangling symlink counts as existing: its target is where a write would land.
 */
async function nearestRealPath(target: string): Promise<string> {
  let current = target;
  for (;;) {
    try {
      return await realpath(current);
    } catch (error) {
      const parent = path.dirname(current);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === current) throw error;
      const link = await readlink(current).catch(() => null);
      if (link !== null) return path.resolve(parent, link);
      current = parent;
    }
  }
}

/**
 * Resolves a caller-supplied path against the workspace root (itself a real path) and
 * refuses anything that lands outside it, lexically (`..`, absolute paths) or through
 * symlinks that point elsewhere.
 */
export async function resolveInWorkspace(root: string, requested: string): Promise<string> {
  if (requested.includes('\0')) throw badRequest('path must not contain NUL characters.');
  const target = path.resolve(root, requested === '' ? '.' : requested);
  if (!isInside(root, target)) throw badRequest(`path "${requested}" is outside the workspace.`);
  if (!isInside(root, await nearestRealPath(target))) {
    throw badRequest(`path "${requested}" resolves through a symlink to outside the workspace.`);
  }
  return target;
}

/** How a resolved path is shown back to callers: relative to the workspace. */
export function relativeToWorkspace(root: string, target: string): string {
  return path.relative(root, target) || '.';
}
