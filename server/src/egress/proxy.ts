import { lookup as dnsLookup } from 'node:dns/promises';
import { chmod, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from '../log/index.ts';
import type { CertificateAuthority } from './authority.ts';
import { checksMcpCalls, MAX_MCP_BODY_BYTES, refusedMcpCall, type McpEndpoint } from './mcp-calls.ts';
import { decodersFor, PlaceholderRestorer, restorationsFor, type Restoration } from './restore.ts';
import { anyRuleMatches, parseAddress, refusedReason, type EgressRule, type PrivateAllowList } from './rules.ts';

/** What one sandbox may do, looked up by the token it presents. */
export type EgressGrant = {
  sessionId: string;
  /** The agent's egressAllow. */
  rules: EgressRule[];
  /**
   * The model gateway: always allowed, even on a private address, but only on `paths`
   * (`*` at the end: any rest). Null for the token of the agent's commands, to which the
   * gateway is a host like any other.
   */
  gateway: { host: string; port: number; paths: string[] } | null;
  /** Placeholders the proxy swaps for real values in requests to the secret's hosts. */
  substitutions: { name: string; placeholder: string; value: string; rules: EgressRule[] }[];
  /** The agent's MCP servers: calls to their tools are held to their allowedTools. */
  mcpEndpoints: McpEndpoint[];
};

export interface GrantResolver {
  resolve(token: string): Promise<EgressGrant | null>;
}

export type BlockedRequest = { sessionId: string; host: string; port: number; reason: string };

export type LookupFn = (host: string) => Promise<string[]>;

type Target = {
  sessionId: string;
  host: string;
  port: number;
  address: string;
  /** The secrets swapped in on requests to this host. */
  substitutions: EgressGrant['substitutions'];
  /** Every secret of the grant: swapped back to its placeholder in whatever comes back. */
  secrets: EgressGrant['substitutions'];
  /** Set when this is the model gateway: the paths a request may use. */
  gatewayPaths: string[] | null;
  /** The agent's MCP servers on this host and port. */
  mcpEndpoints: McpEndpoint[];
};
type Decision = { ok: true; target: Target } | { ok: false; status: number; reason: string; blocked: boolean };

const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-authorization',
  'proxy-authenticate',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];
const CONNECT_TIMEOUT_MS = 30_000;
/** Model streams can sit silent for minutes while a model thinks. */
const IDLE_TIMEOUT_MS = 10 * 60_000;
/** A client must send its request (and proxy credentials) this soon after connecting. */
const HEADERS_TIMEOUT_MS = 10_000;
/**
 * Connections the proxy holds at once. One sandbox opening connections without end must
 * not use up the worker's file descriptors; past this, new connections are refused.
 */
const MAX_CONNECTIONS = 4_096;
const TLS_HANDSHAKE_BYTE = 0x16;

const defaultLookup: LookupFn = async (host) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Host and port of `host:port` / `[v6]:port`. */
function splitAuthority(authority: string): { host: string; port: number } | null {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(authority);
  if (!match) return null;
  const port = Number(match[3]);
  return port >= 1 && port <= 65535 ? { host: (match[1] ?? match[2])!.toLowerCase(), port } : null;
}

function tokenOf(header: string | undefined): string | null {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 && decoded.slice(0, colon) === 'paddock' ? decoded.slice(colon + 1) : null;
}

/**
 * Paddock's egress proxy: an HTTP forward proxy (absolute-URI requests and CONNECT)
 * that every sandbox's traffic leaves through. Each request carries its sandbox's token
 * in Proxy-Authorization; the proxy allows only the model gateway and the agent's
 * egressAllow, refuses restricted addresses after resolving the name (and connects to
 * the address it checked, so a second lookup cannot rebind it), and swaps secret
 * placeholders for real values in requests to the hosts each secret is for —
 * intercepting TLS with the installation's CA where a substitution may apply, tunnelling
 * it untouched everywhere else. In every answer it sees (plain HTTP, intercepted HTTPS)
 * it swaps secret values back to their placeholders, so a server that echoes one does
 * not hand it to the sandbox.
 *
 * Hand-written on node:http and node:tls: what it must do (per-token grants, DNS
 * pinning, substitution in headers and query, a Unix socket listener) is a few hundred
 * lines here, while the intercepting-proxy libraries are built around test doubles or a
 * fixed in-memory CA and would need most of this on top anyway.
 */
export class EgressProxy {
  readonly #grants: GrantResolver;
  readonly #authority: CertificateAuthority;
  readonly #privateAllow: PrivateAllowList;
  readonly #log: Logger;
  readonly #onBlocked: (blocked: BlockedRequest) => void;
  readonly #lookup: LookupFn;
  readonly #upstreamCa: string[] | undefined;
  readonly #server: http.Server;
  /** Parses requests that arrive inside intercepted CONNECT tunnels. */
  readonly #inner: http.Server;
  readonly #tunnels = new WeakMap<net.Socket, { target: Target; secure: boolean }>();
  readonly #httpAgent = new http.Agent({ keepAlive: true });
  readonly #httpsAgent: https.Agent;
  readonly #sockets = new Set<net.Socket>();

  constructor(opts: {
    grants: GrantResolver;
    authority: CertificateAuthority;
    privateAllow: PrivateAllowList;
    log: Logger;
    onBlocked: (blocked: BlockedRequest) => void;
    lookup?: LookupFn;
    /** Extra CAs to trust for upstream servers when intercepting (tests; otherwise NODE_EXTRA_CA_CERTS). */
    upstreamCa?: string[];
  }) {
    this.#grants = opts.grants;
    this.#authority = opts.authority;
    this.#privateAllow = opts.privateAllow;
    this.#log = opts.log.child({ component: 'egress' });
    this.#onBlocked = opts.onBlocked;
    this.#lookup = opts.lookup ?? defaultLookup;
    this.#upstreamCa = opts.upstreamCa;
    this.#httpsAgent = new https.Agent({ keepAlive: true, ...(this.#upstreamCa ? { ca: [...tls.rootCertificates, ...this.#upstreamCa] } : {}) });
    this.#server = http.createServer(
      { headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: 0, connectionsCheckingInterval: 1_000 },
      (req, res) => void this.#onRequest(req, res),
    );
    this.#server.maxConnections = MAX_CONNECTIONS;
    this.#server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => void this.#onConnect(req, socket, head));
    this.#server.on('connection', (socket: net.Socket) => this.#track(socket));
    this.#server.on('clientError', (_error, socket) => socket.destroy());
    this.#inner = http.createServer((req, res) => void this.#onTunnelledRequest(req, res));
    this.#inner.on('clientError', (_error, socket) => socket.destroy());
  }

  /** Listens on a Unix socket (local sandboxes) or a TCP address (the Kubernetes Deployment). */
  async listen(where: { socketPath: string } | { host: string; port: number }): Promise<string> {
    if ('socketPath' in where) await rm(where.socketPath, { force: true });
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      if ('socketPath' in where) this.#server.listen(where.socketPath, resolve);
      else this.#server.listen(where.port, where.host, resolve);
    });
    if ('socketPath' in where) {
      // Sandboxes run as other users; the token, not the file mode, is the access check.
      await chmod(where.socketPath, 0o666);
      return where.socketPath;
    }
    const address = this.#server.address() as net.AddressInfo;
    return `${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    this.#httpAgent.destroy();
    this.#httpsAgent.destroy();
    await closed;
  }

  #track(socket: net.Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
  }

  async #authorise(header: string | undefined): Promise<EgressGrant | null> {
    const token = tokenOf(header);
    return token
      ? this.#grants.resolve(token).catch((error: unknown) => {
          this.#log.error({ err: error }, 'could not look up an egress token');
          return null;
        })
      : null;
  }

  /** Allowed by the rules, then resolved and checked address by address. */
  async #decide(grant: EgressGrant, host: string, port: number): Promise<Decision> {
    const name = host.replace(/\.$/, '');
    const isGateway = grant.gateway !== null && grant.gateway.host === name && grant.gateway.port === port;
    const block = (reason: string): Decision => {
      this.#onBlocked({ sessionId: grant.sessionId, host: name, port, reason });
      this.#log.info({ sessionId: grant.sessionId, host: name, port, reason }, 'egress blocked');
      return { ok: false, status: 403, reason, blocked: true };
    };
    if (!isGateway && !anyRuleMatches(grant.rules, name, port)) return block("not in the agent's egress allow-list");
    const literal = parseAddress(name);
    let addresses: string[];
    try {
      addresses = literal ? [literal.toString()] : await this.#lookup(name);
    } catch (error) {
      return {
        ok: false,
        status: 502,
        reason: `could not resolve ${name}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        blocked: false,
      };
    }
    if (addresses.length === 0) return { ok: false, status: 502, reason: `${name} has no address`, blocked: false };
    if (!isGateway) {
      for (const text of addresses) {
        const reason = refusedReason(text, this.#privateAllow);
        if (reason) return block(`resolves to a ${reason} address (${text}); an operator can allow it with PADDOCK_EGRESS_PRIVATE_ALLOW`);
      }
    }
    const substitutions = grant.substitutions.filter((s) => anyRuleMatches(s.rules, name, port));
    return {
      ok: true,
      target: {
        sessionId: grant.sessionId,
        host: name,
        port,
        address: parseAddress(addresses[0]!)!.toString(),
        substitutions,
        secrets: grant.substitutions,
        gatewayPaths: isGateway ? grant.gateway!.paths : null,
        mcpEndpoints: grant.mcpEndpoints.filter((e) => e.host === name && e.port === port),
      },
    };
  }

  async #onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const grant = await this.#authorise(req.headers['proxy-authorization']);
    if (!grant) return refuse(res, 407, 'Paddock egress proxy: missing or unknown proxy credentials.');
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      return refuse(res, 400, 'Paddock egress proxy: send absolute-URI requests (http://host/path) or CONNECT.');
    }
    if (url.protocol !== 'http:') return refuse(res, 400, `Paddock egress proxy: ${url.protocol} requests go through CONNECT.`);
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const decision = await this.#decide(grant, host, Number(url.port || 80));
    if (!decision.ok) return refuse(res, decision.status, `Paddock egress proxy refused ${host}:${url.port || 80}: ${decision.reason}.`);
    const path = `${url.pathname}${url.search}`;
    const offPath = this.#offGatewayPath(decision.target, path);
    if (offPath) return refuse(res, 403, `Paddock egress proxy refused ${host}:${url.port || 80}: ${offPath}.`);
    const body = await this.#checkedMcpBody(req, res, decision.target, path);
    if (body !== null) this.#forward(req, res, decision.target, path, false, body);
  }

  async #onConnect(req: http.IncomingMessage, socket: net.Socket, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const grant = await this.#authorise(req.headers['proxy-authorization']);
    if (!grant) return reject(socket, 407, 'missing or unknown proxy credentials');
    const target = splitAuthority(req.url ?? '');
    if (!target) return reject(socket, 400, 'CONNECT needs host:port');
    const decision = await this.#decide(grant, target.host, target.port);
    if (!decision.ok) return reject(socket, decision.status, decision.reason);
    // Intercepted only where a secret is swapped in or an MCP server's calls are checked.
    if (decision.target.substitutions.length === 0 && !checksMcpCalls(decision.target.mcpEndpoints)) return this.#tunnel(socket, head, decision.target);
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) socket.unshift(head);
    // A client may speak TLS or plain HTTP inside the tunnel; the first byte says which.
    socket.once('readable', () => {
      const first = socket.read(1) as Buffer | null;
      if (!first) return socket.destroy();
      socket.unshift(first);
      let inner: net.Socket = socket;
      if (first[0] === TLS_HANDSHAKE_BYTE) {
        inner = new tls.TLSSocket(socket, { isServer: true, secureContext: this.#authority.contextFor(decision.target.host), ALPNProtocols: ['http/1.1'] });
        inner.on('error', () => socket.destroy());
      }
      this.#tunnels.set(inner, { target: decision.target, secure: inner !== socket });
      this.#inner.emit('connection', inner);
    });
  }

  #tunnel(client: net.Socket, head: Buffer, target: Target): void {
    const upstream = net.connect({ host: target.address, port: target.port });
    this.#track(upstream);
    upstream.setTimeout(CONNECT_TIMEOUT_MS, () => upstream.destroy());
    upstream.once('connect', () => {
      upstream.setTimeout(0);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => {
      if (!client.writableEnded && upstream.connecting) reject(client, 502, `could not connect to ${target.host}:${target.port}`);
      else client.destroy();
    });
    client.on('close', () => upstream.destroy());
  }

  async #onTunnelledRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const tunnel = this.#tunnels.get(req.socket);
    if (!tunnel) return refuse(res, 400, 'Paddock egress proxy: unknown tunnel.');
    const path = req.url ?? '/';
    const offPath = this.#offGatewayPath(tunnel.target, path);
    if (offPath) return refuse(res, 403, `Paddock egress proxy refused ${tunnel.target.host}:${tunnel.target.port}: ${offPath}.`);
    const body = await this.#checkedMcpBody(req, res, tunnel.target, path);
    if (body !== null) this.#forward(req, res, tunnel.target, path, tunnel.secure, body);
  }

  /**
   * Why a request to the model gateway is refused (and reported), or null: only the model
   * API's paths, written plainly (no dot segments or escapes a server could resolve
   * elsewhere), may carry the gateway key.
   */
  #offGatewayPath(target: Target, path: string): string | null {
    if (!target.gatewayPaths) return null;
    const pathname = path.split('?')[0]!;
    // Model names may hold `@`, `:` and `+`; no escapes, `;` parameters or `.`/`..` segments.
    const plain = /^\/[\w.~@:+/-]*$/.test(pathname) && !/\/\/|\/\.\.?(?:\/|$)/.test(pathname);
    const allowed =
      plain && target.gatewayPaths.some((p) => (p.endsWith('/*') ? pathname.startsWith(p.slice(0, -1)) && pathname.length > p.length - 1 : pathname === p));
    if (allowed) return null;
    const reason = `${pathname.slice(0, 200)} is not a model API path of the model gateway`;
    this.#onBlocked({ sessionId: target.sessionId, host: target.host, port: target.port, reason });
    this.#log.info({ sessionId: target.sessionId, host: target.host, port: target.port, reason }, 'egress blocked');
    return reason;
  }

  /**
   * The body of a POST to a host where an MCP server allows only some tools, read whole
   * and checked (see refusedMcpCall); undefined where nothing is checked, so the request
   * streams on; null once the request has been refused. A refused call is answered as a
   * JSON-RPC error, so the agent's MCP client reports it as the tool's result.
   */
  async #checkedMcpBody(req: http.IncomingMessage, res: http.ServerResponse, target: Target, path: string): Promise<Buffer | null | undefined> {
    if (req.method !== 'POST' || !checksMcpCalls(target.mcpEndpoints)) return undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_MCP_BODY_BYTES) {
          refuse(res, 413, `Paddock egress proxy: a request to an MCP server with allowedTools may carry at most ${MAX_MCP_BODY_BYTES / 2 ** 20} MiB.`);
          return null;
        }
        chunks.push(chunk);
      }
    } catch {
      res.destroy();
      return null;
    }
    const body = Buffer.concat(chunks);
    const refused = refusedMcpCall(target.mcpEndpoints, path.split('?')[0]!, body);
    if (!refused) return body;
    this.#onBlocked({ sessionId: target.sessionId, host: target.host, port: target.port, reason: refused.reason });
    this.#log.info({ sessionId: target.sessionId, host: target.host, port: target.port, reason: refused.reason }, 'MCP tool call refused');
    const message = `Paddock refused the call: ${refused.reason}.`;
    if (refused.id === null) refuse(res, 403, `Paddock egress proxy: ${message}`);
    else {
      res.writeHead(200, { 'content-type': 'application/json', 'x-paddock-egress': 'blocked' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: refused.id, error: { code: -32602, message } }));
    }
    return null;
  }

  /**
   * Sends the request to the checked address with placeholders replaced, and relays the
   * answer with secret values swapped back to their placeholders. `body`, when the request
   * was read already, is sent in its place.
   */
  #forward(req: http.IncomingMessage, res: http.ServerResponse, target: Target, path: string, secure: boolean, body: Buffer | undefined): void {
    const substitute = (text: string) => {
      let out = text;
      for (const s of target.substitutions) if (out.includes(s.placeholder)) out = out.replaceAll(s.placeholder, s.value);
      return out;
    };
    // Header values as sent, for the ones a substitution changed: a server that reflects
    // one (Basic credentials, encoded whole) gets it swapped back whole.
    const sentHeaders: Restoration[] = [];
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || HOP_BY_HOP.includes(name)) continue;
      const swap = (v: string) => {
        const out = name === 'authorization' ? substituteAuthorization(v, substitute) : substitute(v);
        if (out !== v) sentHeaders.push({ value: out, placeholder: v });
        return out;
      };
      headers[name] = Array.isArray(value) ? value.map(swap) : swap(value);
    }
    const restorer = new PlaceholderRestorer([...restorationsFor(target.secrets), ...sentHeaders]);
    if (!restorer.empty) {
      // The body must arrive whole and readable to be searched: no compression the proxy
      // cannot undo, and no byte ranges that could hand a value over in pieces.
      headers['accept-encoding'] = 'identity';
      delete headers.range;
      delete headers['if-range'];
    }
    // The request goes to the host that was checked, never to another site behind the
    // same address (a Host header of the sandbox's choosing would carry credentials there).
    const authority = net.isIPv6(target.host) ? `[${target.host}]` : target.host;
    headers.host = target.port === (secure ? 443 : 80) ? authority : `${authority}:${target.port}`;
    // Placeholders are replaced in the query only, not in the path, where a server would
    // keep them as the names of things it stores.
    const queryAt = path.indexOf('?');
    const outPath = target.substitutions.length > 0 && queryAt >= 0 ? path.slice(0, queryAt) + substitute(path.slice(queryAt)) : path;
    const options: https.RequestOptions = {
      host: target.host,
      port: target.port,
      method: req.method,
      path: outPath,
      headers,
      agent: secure ? this.#httpsAgent : this.#httpAgent,
      // Connect to the address that was checked, never to a fresh lookup of the name.
      lookup: (_host, opts, callback) => {
        const family = net.isIP(target.address);
        if ((opts as { all?: boolean }).all)
          (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family }]);
        else callback(null, target.address, family);
      },
      timeout: IDLE_TIMEOUT_MS,
      ...(secure ? { servername: net.isIP(target.host) ? undefined : target.host } : {}),
    };
    const upstream = (secure ? https : http).request(options, (answer) => {
      const out: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value === undefined || HOP_BY_HOP.includes(name)) continue;
        out[name] = restorer.empty ? value : Array.isArray(value) ? value.map((v) => restorer.text(v)) : restorer.text(value);
      }
      if (restorer.empty) {
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, out);
        answer.pipe(res);
        answer.on('error', () => res.destroy());
        return;
      }
      const decoders = decodersFor(answer.headers['content-encoding']);
      if (!decoders) {
        answer.resume();
        this.#log.warn(
          { host: target.host, port: target.port, contentEncoding: answer.headers['content-encoding'] },
          'egress refused an answer it cannot decode',
        );
        return refuse(
          res,
          502,
          `Paddock egress proxy: ${target.host}:${target.port} answered with Content-Encoding "${answer.headers['content-encoding']}", which the proxy cannot decode to keep secrets out of the sandbox; ask for identity, gzip, deflate, br or zstd.`,
        );
      }
      // The body changes length as values become placeholders, and arrives decoded.
      delete out['content-length'];
      if (decoders.length > 0) delete out['content-encoding'];
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, out);
      pipeline([answer, ...decoders, restorer.stream(), res], (error) => {
        if (error) res.destroy();
      });
    });
    upstream.on('timeout', () => upstream.destroy(new Error('timed out')));
    upstream.on('error', (error) => {
      if (res.headersSent) return res.destroy();
      refuse(res, 502, `Paddock egress proxy could not reach ${target.host}:${target.port}: ${(error as NodeJS.ErrnoException).code ?? error.message}.`);
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    if (body) upstream.end(body);
    else req.pipe(upstream);
  }
}

/** Placeholders may also sit inside `Basic base64(user:password)`. */
function substituteAuthorization(value: string, substitute: (text: string) => string): string {
  const basic = /^Basic\s+(\S+)$/i.exec(value);
  if (!basic) return substitute(value);
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const replaced = substitute(decoded);
  return replaced === decoded ? value : `Basic ${Buffer.from(replaced, 'utf8').toString('base64')}`;
}

function refuse(res: http.ServerResponse, status: number, message: string): void {
  if (res.headersSent) return void res.destroy();
  const headers: http.OutgoingHttpHeaders = { 'content-type': 'text/plain; charset=utf-8', 'x-paddock-egress': status === 403 ? 'blocked' : 'error' };
  if (status === 407) headers['proxy-authenticate'] = 'Basic realm="paddock"';
  res.writeHead(status, headers);
  res.end(`${message}\n`);
}

function reject(socket: net.Socket, status: number, reason: string): void {
  const text = { 400: 'Bad Request', 403: 'Forbidden', 407: 'Proxy Authentication Required', 502: 'Bad Gateway' }[status] ?? 'Error';
  const body = `Paddock egress proxy refused the tunnel: ${reason}.\n`;
  const extra = status === 407 ? 'Proxy-Authenticate: Basic realm="paddock"\r\n' : '';
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\n${extra}X-Paddock-Egress: ${status === 403 ? 'blocked' : 'error'}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
