import type { FileList, WriteFileResponse } from '../api.ts';
import type { App } from '../app.ts';
import { BODY_LIMITS, readBody } from '../http/body.ts';
import { badRequest } from '../http/errors.ts';
import type { Route } from '../http/router.ts';
import { sendJson, sendText } from '../http/respond.ts';
import { listDirectory, readText, writeText } from '../workspace/files.ts';
import { relativeToWorkspace, resolveInWorkspace } from '../workspace/paths.ts';

function pathParam(url: URL, fallback?: string): string {
  const value = url.searchParams.get('path') ?? fallback;
  if (value === undefined) throw badRequest('The "path" query parameter is required.');
  return value;
}

export function fileRoutes(app: App): Route[] {
  const resolve = async (requested: string) => {
    const target = await resolveInWorkspace(app.workspace, requested);
    return { target, shown: relativeToWorkspace(app.workspace, target) };
  };
  return [
    {
      method: 'GET',
      path: /^\/v1\/files$/,
      auth: true,
      handle: async ({ res, url }) => {
        const { target, shown } = await resolve(pathParam(url, '.'));
        const body: FileList = { path: shown, entries: await listDirectory(target, shown) };
        sendJson(res, 200, body);
      },
    },
    {
      method: 'GET',
      path: /^\/v1\/files\/content$/,
      auth: true,
      handle: async ({ res, url }) => {
        const { target, shown } = await resolve(pathParam(url));
        sendText(res, 200, await readText(target, shown));
      },
    },
    {
      method: 'PUT',
      path: /^\/v1\/files\/content$/,
      auth: true,
      handle: async ({ req, res, url }) => {
        const { target, shown } = await resolve(pathParam(url));
        const size = await writeText(app.workspace, target, shown, await readBody(req, BODY_LIMITS.file));
        const body: WriteFileResponse = { path: shown, size };
        sendJson(res, 200, body);
      },
    },
  ];
}
