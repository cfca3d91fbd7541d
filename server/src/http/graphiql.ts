import { createReadStream } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { renderGraphiQL } from 'graphql-yoga';
import type { Config } from '../config/index.ts';

/** Where the page loads GraphiQL from: this server, never a CDN (air-gapped installs). */
export const GRAPHIQL_ASSETS_PATH = '/graphql/graphiql-assets/';

const ASSETS_DIR = path.join(path.dirname(createRequire(import.meta.url).resolve('@graphql-yoga/graphiql/package.json')), 'dist');

/** The files yoga's GraphiQL page needs, by the name the page asks for. */
const ASSETS: Record<string, string> = {
  'graphiql.css': 'text/css; charset=utf-8',
  'yoga-graphiql.umd.js': 'text/javascript; charset=utf-8',
  'monacoeditorwork/editor.worker.bundle.js': 'text/javascript; charset=utf-8',
  'monacoeditorwork/json.worker.bundle.js': 'text/javascript; charset=utf-8',
  'monacoeditorwork/graphql.worker..bundle.js': 'text/javascript; charset=utf-8',
};

/** Tells a GraphiQL user where a key comes from; the page itself needs no key to load. */
function keyHint(config: Pick<Config, 'adminKey' | 'dataDir'>): string {
  return config.adminKey ? 'the admin key is $PADDOCK_ADMIN_KEY' : `the admin key is in ${path.join(config.dataDir, 'admin-key')}`;
}

/**
 * Yoga's GraphiQL page with its CDN addresses pointed at the copy installed with
 * Paddock (`@graphql-yoga/graphiql`), and the headers editor pre-filled for an API key.
 */
export function renderPaddockGraphiql(config: Pick<Config, 'adminKey' | 'dataDir'>, title: string): string {
  const headers = JSON.stringify({ Authorization: `Bearer <API key; ${keyHint(config)}>` }, null, 2);
  const html = renderGraphiQL({ title, subscriptionsProtocol: 'WS', headers, defaultEditorToolsVisibility: 'headers' });
  return html
    .replace(/https:\/\/unpkg\.com\/@graphql-yoga\/graphiql@[^/]+\/dist\//g, GRAPHIQL_ASSETS_PATH)
    .replace(/<link rel=icon href=https:[^>]*>/, '<link rel=icon href="data:,">');
}

/** Serves one of GraphiQL's bundled files, or returns false when `urlPath` is not one. */
export function serveGraphiqlAsset(urlPath: string, res: ServerResponse): boolean {
  if (!urlPath.startsWith(GRAPHIQL_ASSETS_PATH)) return false;
  const name = urlPath.slice(GRAPHIQL_ASSETS_PATH.length);
  const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!type) return false;
  res.writeHead(200, { 'content-type': type, 'cache-control': 'public, max-age=86400', 'x-content-type-options': 'nosniff' });
  createReadStream(path.join(ASSETS_DIR, name)).pipe(res);
  return true;
}
