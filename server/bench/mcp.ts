/**
 * `pnpm bench:mcp`: what the egress proxy adds to an MCP tool call.
 *
 * A real MCP server (the SDK's, Streamable HTTP, bearer token required) is called N
 * times with the chat harness's own MCP client: directly with the real token, and through
 * the egress proxy (in its own process) with the placeholder the sandbox holds, which the
 * proxy swaps for the token. Over HTTP and over HTTPS intercepted by the proxy. Reports
 * p50/p99 per call and the added latency.
 *
 * Options: --calls 1000 --warmup 100
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { McpHub } from '@paddock/harness-runtime/mcp';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import { z } from 'zod';
import { CertificateAuthority, createAuthority } from '../src/egress/authority.ts';
import { createLogger } from '../src/log/index.ts';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '1000' }, warmup: { type: 'string', default: '100' } } });
const N = Number(values.calls);
const WARMUP = Number(values.warmup);
const SECRET = 'mcp-bench-real-token-0123456789';
const PLACEHOLDER = 'paddock-secret-bench-placeholder';

const handler: http.RequestListener = (req, res) => {
  if (req.headers.authorization !== `Bearer ${SECRET}`) {
    res.writeHead(401).end();
    return;
  }
  const mcp = new McpServer({ name: 'bench', version: '1.0.0' });
  mcp.registerTool('echo', { description: 'Echoes.', inputSchema: { text: z.string() } }, ({ text }) => ({ content: [{ type: 'text', text }] }));
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  res.on('close', () => {
    void transport.close();
    void mcp.close();
  });
  void mcp.connect(transport).then(() => transport.handleRequest(req, res));
};

async function listen(server: http.Server | https.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const upstream = createAuthority();
const plain = http.createServer({ keepAlive: true }, handler);
const secure = https.createServer({ ...new CertificateAuthority(upstream.certPem, upstream.keyPem).issue('127.0.0.1'), keepAlive: true }, handler);
const [httpPort, httpsPort] = await Promise.all([listen(plain), listen(secure)]);

const child = fork(path.resolve(import.meta.dirname, 'egress/proxy-child.ts'), {
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const { address, ca } = await new Promise<{ address: string; ca: string }>((resolve) => {
  child.once('message', (reply) => resolve(reply as { address: string; ca: string }));
  child.send({ httpPort, httpsPort, upstreamCa: upstream.certPem, placeholder: PLACEHOLDER, secret: SECRET });
});

const direct = new Agent({ connect: { ca: [upstream.certPem] } });
const viaProxy = new ProxyAgent({
  uri: `http://${address}`,
  token: `Basic ${Buffer.from('paddock:bench').toString('base64')}`,
  requestTls: { ca: [ca, upstream.certPem] },
});
const log = createLogger('mcp-bench', 'silent');

async function connect(url: string, dispatcher: Dispatcher, authorization: string) {
  const hub = new McpHub([{ name: 'bench', url, transport: 'STREAMABLE_HTTP', headers: { authorization }, allowedTools: [] }], dispatcher, log);
  const signal = new AbortController().signal;
  const [failure] = await hub.connect(signal);
  if (failure) throw new Error(`${url}: ${failure.error}`);
  const tool = hub.find('bench__echo')!;
  const call = async () => {
    const start = performance.now();
    const result = await hub.call(tool, { text: 'ping' }, 30_000, signal);
    if (result.output !== 'ping') throw new Error(`${url}: unexpected answer ${result.output}`);
    return performance.now() - start;
  };
  return { call, close: () => hub.close() };
}

/** Direct and proxied calls alternate, so a busy machine's drift weighs on both alike. */
async function run(url: string): Promise<{ direct: number[]; proxied: number[] }> {
  const d = await connect(url, direct, `Bearer ${SECRET}`);
  const p = await connect(url, viaProxy, `Bearer ${PLACEHOLDER}`);
  for (let i = 0; i < WARMUP; i++) {
    await d.call();
    await p.call();
  }
  const times = { direct: [] as number[], proxied: [] as number[] };
  for (let i = 0; i < N; i++) {
    times.direct.push(await d.call());
    times.proxied.push(await p.call());
  }
  await Promise.all([d.close(), p.close()]);
  return { direct: times.direct.sort((a, b) => a - b), proxied: times.proxied.sort((a, b) => a - b) };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const ms = (n: number) => `${n.toFixed(3).padStart(7)} ms`;

console.log(`MCP tool call (tools/call over Streamable HTTP): ${N} sequential calls per case (after ${WARMUP} warm-up), proxy in its own process\n`);
console.log('case                 direct p50     direct p99     proxy p50      proxy p99      added p50      added p99');
for (const [name, url] of [
  ['HTTP', `http://127.0.0.1:${httpPort}/mcp`],
  ['HTTPS intercepted', `https://127.0.0.1:${httpsPort}/mcp`],
] as const) {
  const { direct: d, proxied: p } = await run(url);
  console.log(
    `${name.padEnd(20)} ${ms(pct(d, 0.5))}   ${ms(pct(d, 0.99))}   ${ms(pct(p, 0.5))}   ${ms(pct(p, 0.99))}   ${ms(pct(p, 0.5) - pct(d, 0.5))}   ${ms(pct(p, 0.99) - pct(d, 0.99))}`,
  );
}

child.kill();
await Promise.all([direct.close(), viaProxy.close()]);
for (const server of [plain, secure]) server.close();
