import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { parse as parseYaml } from 'yaml';
import type { Json } from './patch.ts';
import { parseFieldSelector, parseLabelSelector, type KubeLike } from './selectors.ts';
import { ApiError, notFound, type KObject, type ResourceType, type Store, type StoreEvent } from './store.ts';
import type { Tls } from './tls.ts';

type Route = { type: ResourceType; namespace: string | undefined; name: string | undefined; subresource: string | undefined };

export type ServerCounters = { requests: number; watches: number; openWatches: number; lists: number };

function statusBody(error: ApiError) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: error.message,
    reason: error.reason,
    details: error.details,
    code: error.code,
  };
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The REST and watch protocol of a kube-apiserver over the Store: discovery, CRUD on
 * collections and items, the status subresource, list paging and selectors, chunked
 * watches resumable by resourceVersion (410 Gone once compacted), errors as Status
 * objects, bearer-token authentication, and `pods/portforward` over WebSocket
 * (`v4.channel.k8s.io`) to the pod's address.
 */
export class FakeApiServer {
  readonly store: Store;
  readonly token: string;
  readonly counters: ServerCounters = { requests: 0, watches: 0, openWatches: 0, lists: 0 };
  /** The last requests (method, path and query), for tests that assert on traffic. */
  readonly log: { method: string; path: string; query: URLSearchParams }[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #watchStreams = new Set<ServerResponse>();
  readonly #ws = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false) });
  /** Test hook: fail the next N requests matching a predicate with this Status. */
  readonly faults: { match: (req: IncomingMessage) => boolean; error: ApiError; times: number }[] = [];
  url = '';

  constructor(store: Store, token: string, tls: Tls) {
    this.store = store;
    this.token = token;
    this.#server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => void this.#handle(req, res));
    this.#server.on('secureConnection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    this.#server.on('upgrade', (req, socket, head) => this.#upgrade(req, socket, head));
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', () => resolve()));
    this.url = `https://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** Test hook: end every open watch, as an API server restart or load balancer would. */
  breakWatches(): void {
    for (const res of this.#watchStreams) res.destroy();
    this.#watchStreams.clear();
  }

  async close(): Promise<void> {
    this.breakWatches();
    for (const client of this.#ws.clients) client.terminate();
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #authorized(req: IncomingMessage): boolean {
    return req.headers.authorization === `Bearer ${this.token}`;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.counters.requests++;
    try {
      if (!this.#authorized(req)) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
      const fault = this.faults.find((f) => f.times > 0 && f.match(req));
      if (fault) {
        fault.times--;
        throw fault.error;
      }
      const url = new URL(req.url ?? '/', 'http://fake');
      this.log.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams });
      if (this.log.length > 5_000) this.log.splice(0, 1_000);
      const discovery = this.#discovery(url.pathname);
      if (discovery) return send(res, 200, discovery);
      const route = this.#route(url.pathname);
      await this.#dispatch(req, res, url, route);
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError(500, 'InternalError', (error as Error).message);
      if (!res.headersSent) send(res, apiError.code, statusBody(apiError));
      else res.destroy();
    }
  }

  async #dispatch(req: IncomingMessage, res: ServerResponse, url: URL, route: Route): Promise<void> {
    const { type, namespace, name, subresource } = route;
    const q = url.searchParams;
    if (subresource && subresource !== 'status') throw new ApiError(404, 'NotFound', `the server could not find the requested resource`);
    const method = req.method ?? 'GET';
    if (!name) {
      if (method === 'GET' && q.get('watch') === 'true') return this.#watch(res, type, namespace, q);
      if (method === 'GET') {
        this.counters.lists++;
        const list = this.store.list(type, namespace, {
          labelSelector: q.get('labelSelector'),
          fieldSelector: q.get('fieldSelector'),
          limit: q.get('limit') ? Number(q.get('limit')) : undefined,
          continue: q.get('continue'),
        });
        return send(res, 200, {
          apiVersion: type.group ? `${type.group}/${type.version}` : type.version,
          kind: type.listKind,
          metadata: { resourceVersion: list.resourceVersion, ...(list.continue ? { continue: list.continue } : {}) },
          items: list.items,
        });
      }
      if (method === 'POST') return send(res, 201, this.store.create(type, namespace, (await this.#json(req)) as KObject));
      throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    }
    const status = subresource === 'status' ? ('status' as const) : undefined;
    switch (method) {
      case 'GET':
        return send(res, 200, this.store.get(type, namespace, name));
      case 'PUT':
        return send(res, 200, this.store.replace(type, namespace, name, (await this.#json(req)) as KObject, { subresource: status }));
      case 'PATCH': {
        const contentType = req.headers['content-type'] ?? '';
        const text = await readBody(req);
        let body: Json;
        try {
          body = (contentType.startsWith('application/apply-patch+yaml') ? parseYaml(text) : JSON.parse(text)) as Json;
        } catch (error) {
          throw new ApiError(400, 'BadRequest', `error decoding patch: ${(error as Error).message}`);
        }
        const existed = this.store.find(type, namespace, name) !== undefined;
        const result = this.store.patch(type, namespace, name, contentType, body, { subresource: status, fieldManager: q.get('fieldManager') ?? undefined });
        return send(res, existed ? 200 : 201, result);
      }
      case 'DELETE': {
        const deleted = this.store.delete(type, namespace, name);
        return send(res, 200, deleted);
      }
      default:
        throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    }
  }

  async #json(req: IncomingMessage): Promise<Json> {
    try {
      return JSON.parse(await readBody(req)) as Json;
    } catch (error) {
      throw new ApiError(400, 'BadRequest', `error decoding body: ${(error as Error).message}`);
    }
  }

  #watch(res: ServerResponse, type: ResourceType, namespace: string | undefined, q: URLSearchParams): void {
    this.counters.watches++;
    const labels = parseLabelSelector(q.get('labelSelector'));
    const fields = parseFieldSelector(q.get('fieldSelector'), type.fieldSelectors);
    const matches = (o: KObject | undefined) => !!o && (!namespace || o.metadata.namespace === namespace) && labels(o as KubeLike) && fields(o as KubeLike);
    const rvParam = q.get('resourceVersion');
    const backlog: string[] = [];
    const line = (eventType: string, object: unknown) => `${JSON.stringify({ type: eventType, object })}\n`;
    // Only events that change whether an object matches, or change a matching one, are sent.
    const translate = (event: StoreEvent): string | null => {
      if (event.resource !== type) return null;
      const now = event.type === 'DELETED' ? false : matches(event.object);
      const before = event.type === 'ADDED' ? false : matches(event.previous);
      if (now && before) return line('MODIFIED', event.object);
      if (now) return line('ADDED', event.object);
      if (before) return line('DELETED', event.object);
      return null;
    };
    if (!rvParam || rvParam === '0') {
      for (const object of this.store.list(type, namespace).items) if (matches(object)) backlog.push(line('ADDED', object));
    } else {
      let since: StoreEvent[];
      try {
        since = this.store.since(type, Number(rvParam));
      } catch (error) {
        // Like the API server: the stream opens, then carries the 410 as an ERROR event.
        if (!(error instanceof ApiError)) throw error;
        res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
        res.end(line('ERROR', statusBody(error)));
        return;
      }
      for (const event of since) {
        const text = translate(event);
        if (text) backlog.push(text);
      }
    }
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    for (const text of backlog) res.write(text);
    this.counters.openWatches++;
    this.#watchStreams.add(res);
    const unsubscribe = this.store.subscribe((event) => {
      const text = translate(event);
      if (text) res.write(text);
    });
    const timeout = q.get('timeoutSeconds') ? setTimeout(() => res.end(), Number(q.get('timeoutSeconds')) * 1000) : undefined;
    res.once('close', () => {
      this.counters.openWatches--;
      this.#watchStreams.delete(res);
      unsubscribe();
      clearTimeout(timeout);
    });
  }

  #discovery(pathname: string): unknown {
    const types = this.store.types;
    const resourceList = (groupVersion: string, list: ResourceType[]) => ({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion,
      resources: list.flatMap((t) => [
        {
          name: t.plural,
          singularName: t.kind.toLowerCase(),
          namespaced: t.namespaced,
          kind: t.kind,
          verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
        },
        ...(t.statusSubresource
          ? [{ name: `${t.plural}/status`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['get', 'patch', 'update'] }]
          : []),
      ]),
    });
    if (pathname === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
    if (pathname === '/api/v1')
      return resourceList(
        'v1',
        types.filter((t) => !t.group),
      );
    if (pathname === '/apis') {
      const groups = [...new Set(types.filter((t) => t.group).map((t) => t.group))];
      return {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: groups.map((g) => {
          const versions = [...new Set(types.filter((t) => t.group === g).map((t) => t.version))].map((v) => ({ groupVersion: `${g}/${v}`, version: v }));
          return { name: g, versions, preferredVersion: versions[0] };
        }),
      };
    }
    const m = /^\/apis\/([^/]+)\/([^/]+)$/.exec(pathname);
    if (m) {
      const list = types.filter((t) => t.group === m[1] && t.version === m[2]);
      if (list.length > 0) return resourceList(`${m[1]}/${m[2]}`, list);
    }
    return null;
  }

  #route(pathname: string): Route {
    const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
    let group = '';
    let version: string | undefined;
    let rest: string[];
    if (parts[0] === 'api') {
      version = parts[1];
      rest = parts.slice(2);
    } else if (parts[0] === 'apis') {
      group = parts[1] ?? '';
      version = parts[2];
      rest = parts.slice(3);
    } else throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [plural, name, subresource] = rest;
    const type = plural ? this.store.type(group, plural) : undefined;
    if (!type || type.version !== version) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    if (!type.namespaced && namespace) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    return { type, namespace, name, subresource };
  }

  /** `pods/{name}/portforward`: relays channel 0 to a TCP connection to the pod's IP and port. */
  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const reject = (code: number, text: string) => {
      socket.end(`HTTP/1.1 ${code} ${text}\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!this.#authorized(req)) return reject(401, 'Unauthorized');
    const url = new URL(req.url ?? '/', 'http://fake');
    this.log.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams });
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward$/.exec(url.pathname);
    const port = Number(url.searchParams.get('ports'));
    if (!m || !Number.isInteger(port)) return reject(404, 'Not Found');
    const podType = this.store.type('', 'pods')!;
    const pod = this.store.find(podType, m[1], m[2]!);
    const podIP = (pod?.status as { podIP?: string } | undefined)?.podIP;
    if (!pod) return reject(404, 'Not Found');
    this.#ws.handleUpgrade(req, socket, head, (ws) => this.#forward(ws, podIP, port));
  }

  #forward(ws: WebSocket, podIP: string | undefined, port: number): void {
    const portPrefix = Buffer.alloc(2);
    portPrefix.writeUInt16LE(port);
    ws.send(Buffer.concat([Buffer.from([0]), portPrefix]));
    ws.send(Buffer.concat([Buffer.from([1]), portPrefix]));
    if (!podIP) {
      ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(`pod has no IP address`)]));
      ws.close();
      return;
    }
    const upstream = connect(port, podIP);
    upstream.on('data', (chunk: Buffer) => ws.send(Buffer.concat([Buffer.from([0]), chunk])));
    upstream.on('error', (error) => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(`error forwarding port ${port}: ${error.message}`)]));
      ws.close();
    });
    upstream.on('close', () => ws.close());
    ws.on('message', (data: Buffer) => {
      if (data[0] === 0 && data.length > 1) upstream.write(data.subarray(1));
    });
    ws.on('close', () => upstream.destroy());
  }
}

export { notFound };
