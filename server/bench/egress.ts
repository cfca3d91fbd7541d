/**
 * `pnpm bench:egress`: what the egress proxy adds to a sandbox's requests.
 *
 * A local echo server (HTTP and HTTPS, keep-alive) is called N times in a row directly
 * and N times through the proxy, which runs in a child process: plain HTTP
 * (absolute-URI, placeholder substituted in a header), HTTPS intercepted (TLS
 * terminated with the installation CA, placeholder substituted, re-encrypted to the
 * server) and HTTPS tunnelled (CONNECT, bytes relayed). Reports p50/p99 per request for
 * each, the added latency against the direct request, and the proxy process's CPU per
 * 1,000 requests.
 *
 * Options: --requests 2000 --warmup 200
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import { CertificateAuthority, createAuthority } from '../src/egress/authority.ts';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '2000' }, warmup: { type: 'string', default: '200' } } });
const N = Number(values.requests);
const WARMUP = Number(values.warmup);
const SECRET = 'sk-bench-real-value-0123456789';
const PLACEHOLDER = 'paddock-secret-bench-placeholder';

const handler: http.RequestListener = (req, res) => {
  req.resume();
  req.on('end', () => res.end(req.headers.authorization === `Bearer ${SECRET}` ? 'substituted' : 'ok'));
};

async function listen(server: http.Server | https.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const upstream = createAuthority();
const upstreamCa = new CertificateAuthority(upstream.certPem, upstream.keyPem);
const plain = http.createServer({ keepAlive: true }, handler);
const secure = https.createServer({ ...upstreamCa.issue('127.0.0.1'), keepAlive: true }, handler);
const tunnelled = https.createServer({ ...upstreamCa.issue('tunnel.bench'), keepAlive: true }, handler);
const [httpPort, httpsPort, tunnelPort] = await Promise.all([listen(plain), listen(secure), listen(tunnelled)]);

const child = fork(path.resolve(import.meta.dirname, 'egress/proxy-child.ts'), {
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const ask = <T>(message: unknown): Promise<T> =>
  new Promise((resolve) => {
    child.once('message', (reply) => resolve(reply as T));
    if (message !== undefined) child.send(message as string);
  });
const { address, ca } = await ask<{ address: string; ca: string }>({
  httpPort,
  httpsPort,
  upstreamCa: upstream.certPem,
  placeholder: PLACEHOLDER,
  secret: SECRET,
});
const proxyCpu = async () => (await ask<{ cpu: NodeJS.CpuUsage }>('cpu')).cpu;

const token = `Basic ${Buffer.from('paddock:bench').toString('base64')}`;
const direct = new Agent({ connect: { ca: [upstream.certPem] } });
// Resolves tunnel.bench to loopback for the direct run, as the proxy does for its run.
const directTunnel = new Agent({ connect: { ca: [upstream.certPem], lookup: (_h, _o, cb) => cb(null, [{ address: '127.0.0.1', family: 4 }]) } });
const viaProxy = new ProxyAgent({ uri: `http://${address}`, token, requestTls: { ca: [ca, upstream.certPem] } });

type Case = { name: string; url: string; directAgent: Dispatcher; expect: string };
const cases: Case[] = [
  { name: 'HTTP', url: `http://127.0.0.1:${httpPort}/echo`, directAgent: direct, expect: 'substituted' },
  { name: 'HTTPS intercepted', url: `https://127.0.0.1:${httpsPort}/echo`, directAgent: direct, expect: 'substituted' },
  { name: 'HTTPS tunnelled', url: `https://tunnel.bench:${tunnelPort}/echo`, directAgent: directTunnel, expect: 'ok' },
];

async function once(url: string, dispatcher: Dispatcher, authorization: string): Promise<string> {
  const res = await request(url, { dispatcher, headers: { authorization } });
  return res.body.text();
}

async function run(url: string, dispatcher: Dispatcher, authorization: string, expected: string | null): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await once(url, dispatcher, authorization);
  const times: number[] = [];
  for (let i = 0; i < N; i++) {
    const start = performance.now();
    const body = await once(url, dispatcher, authorization);
    times.push(performance.now() - start);
    if (expected !== null && body !== expected) throw new Error(`${url}: unexpected answer ${body}`);
  }
  return times.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const ms = (n: number) => `${n.toFixed(3).padStart(7)} ms`;

console.log(`egress proxy: ${N} sequential keep-alive requests per case (after ${WARMUP} warm-up), proxy in its own process\n`);
console.log('case                 direct p50     direct p99     proxy p50      proxy p99      added p50      added p99      proxy CPU / 1,000 req');
for (const c of cases) {
  const d = await run(c.url, c.directAgent, `Bearer ${SECRET}`, null);
  const before = await proxyCpu();
  const p = await run(c.url, viaProxy, `Bearer ${PLACEHOLDER}`, c.expect);
  const after = await proxyCpu();
  const cpuMs = (after.user - before.user + after.system - before.system) / 1000;
  const per1000 = (cpuMs / (N + WARMUP)) * 1000;
  console.log(
    `${c.name.padEnd(20)} ${ms(pct(d, 0.5))}   ${ms(pct(d, 0.99))}   ${ms(pct(p, 0.5))}   ${ms(pct(p, 0.99))}   ${ms(pct(p, 0.5) - pct(d, 0.5))}   ${ms(pct(p, 0.99) - pct(d, 0.99))}   ${per1000.toFixed(0).padStart(6)} ms`,
  );
}

child.kill();
await Promise.all([direct.close(), directTunnel.close(), viaProxy.close()]);
for (const server of [plain, secure, tunnelled]) server.close();
