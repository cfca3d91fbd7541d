import { lstat, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileEntry, FileType } from '../api.ts';
import { badRequest, HttpError, notFound, tooLarge } from '../http/errors.ts';

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

/** Writes a text file, creating its parent directories. */
export async function writeText(file: string, shown: string, content: string | Buffer): Promise<number> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
    return typeof content === 'string' ? Buffer.byteLength(content) : content.length;
  } catch (error) {
    throw fsError(error, shown);
  }
}
