import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import { setDashboardHeaders } from './security.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Serves the built dashboard; unknown paths get index.html so client-side routes work on reload. */
export async function serveStatic(root: string, urlPath: string, res: ServerResponse): Promise<void> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    setDashboardHeaders(res);
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Malformed URL.');
    return;
  }
  const candidate = path.resolve(root, `.${decoded}`);
  const inside = candidate === root || candidate.startsWith(root + path.sep);
  let file = inside ? candidate : path.join(root, 'index.html');
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) file = path.join(root, 'index.html');
  const ext = path.extname(file);
  const immutable = file.includes(`${path.sep}assets${path.sep}`);
  setDashboardHeaders(res);
  res.writeHead(200, {
    'content-type': TYPES[ext] ?? 'application/octet-stream',
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  createReadStream(file).pipe(res);
}
