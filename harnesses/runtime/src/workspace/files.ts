import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FileEntry, FileType } from '../api.ts';
import { badRequest, HttpError, notFound, tooLarge } from '../http/errors.ts';
import { isInside } from './paths.ts';

/** Largest file `readText` returns. */
export const MAX_READ_BYTES = 16 * 1024 * 1024;

/** Turns filesystem errors into HTTP errors a caller can act on. */
export function fsError(error: unknown, shown: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return notFound(`"${shown}" does not exist in the workspace.`);
  if (code === 'ENOTDIR') return badRequest(`A parent of "${shown}" is a file, not a directory.`);
  if (code === 'EISDIR') return badRequest(`"${shown}" is a directory.`);
  if (code === 'EACCES' || code === 'EPERM') return new HttpError(403, 'forbidden', `Permission denied for "${shown}".`);
  return error instanceof Error ? error : new Error(String(error));
}

function typeOf(entry: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): FileType {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'directory';
  if (entry.isSymbolicLink()) return 'symlink';
  return 'other';
}

export async function listDirectory(dir: string, shown: string): Promise<FileEntry[]> {
  try {
    const names = await readdir(dir);
    const entries = await Promise.all(
      names.map(async (name): Promise<FileEntry | undefined> => {
        try {
          const info = await lstat(path.join(dir, name));
          return { name, type: typeOf(info), size: info.size };
        } catch {
          return undefined; // Deleted while listing.
        }
      }),
    );
    return entries.filter((e): e is FileEntry => e !== undefined).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    throw fsError(error, shown);
  }
}

export async function readText(file: string, shown: string, maxBytes = MAX_READ_BYTES): Promise<string> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw badRequest(`"${shown}" is a directory; list it with GET /v1/files.`);
    if (info.size > maxBytes) throw tooLarge(`"${shown}" is ${info.size} bytes; files over ${maxBytes} bytes cannot be read here.`);
    return await readFile(file, 'utf8');
  } catch (error) {
    throw error instanceof HttpError ? error : fsError(error, shown);
  }
}

/**
 * Writes a text file inside `root`, creating its parent directories. Symlinks are
 * never followed for the file itself (O_NOFOLLOW), and the parent is checked again
 * after it is created, so a link placed by a command cannot redirect the write.
 */
export async function writeText(root: string, file: string, shown: string, content: string | Buffer): Promise<number> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    if (!isInside(root, await realpath(path.dirname(file)))) throw badRequest(`A parent of "${shown}" is a symlink to outside the workspace.`);
    const handle = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
    return typeof content === 'string' ? Buffer.byteLength(content) : content.length;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP')
      throw badRequest(`"${shown}" is a symlink; file writes do not follow symlinks. Remove it or write to the file it points to.`);
    throw error instanceof HttpError ? error : fsError(error, shown);
  }
}
