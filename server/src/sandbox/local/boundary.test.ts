/**
 * Attacks on the local sandbox boundary through the public API: the offline mock's
 * `/tool CMD` makes the `chat` agent run CMD in its sandbox, exactly as a hostile agent
 * would. Each attack must fail, for an agent with egress rules and one without.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeGlobalId } from '../../ids/global-id.ts';
import type { GraphqlClient } from '../../../test/graphql-client.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/platform.ts';
import { Subscriber } from '../../../test/subscriber.ts';
import { startTestWorker, type TestWorker } from '../../../test/worker.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..');
/** Each test runs a few turns, each maybe provisioning a sandbox, on a busy machine. */
const TIMEOUT = 240_000;
let t: TestPlatform;
let worker: TestWorker;
const subscribers: Subscriber[] = [];
type Team = { client: GraphqlClient; key: string };
let teamA: Team;
let teamB: Team;

beforeAll(async () => {
  t = await startTestPlatform();
  worker = await startTestWorker(t, { PADDOCK_SANDBOX_IDLE_SECONDS: '600' });
  teamA = await t.newTeam();
  teamB = await t.newTeam();
}, TIMEOUT);
afterAll(async () => {
  await Promise.all(subscribers.map((s) => s.close()));
  await worker?.close();
  await t?.close();
});

async function session(team: Team, egressAllow: string[]): Promise<string> {
  const agent = await team.client.ok<{ createAgent: { id: string } }>(
    `mutation($e: [String!]) { createAgent(input: { name: "attacker-${Math.random().toString(36).slice(2, 8)}", harness: "chat", egressAllow: $e, env: [{ name: "AGENT_SECRET", value: "s3cr3t-value" }] }) { id } }`,
    { e: egressAllow },
  );
  return (
    await team.client.ok<{ createSession: { id: string } }>(`mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }`, { a: agent.createAgent.id })
  ).createSession.id;
}

/** Runs CMD in the session's sandbox through a normal turn and returns the tool's output. */
async function run(team: Team, sessionId: string, command: string): Promise<string> {
  const { session } = await team.client.ok<{ session: { lastSeq: number } }>(`query($s: ID!) { session(id: $s) { lastSeq } }`, { s: sessionId });
  const live = new Subscriber(t.url, team.key);
  subscribers.push(live);
  live.subscribe(sessionId, session.lastSeq);
  await team.client.ok(`mutation($s: ID!, $c: String!) { sendMessage(input: { sessionId: $s, content: $c }) { id } }`, { s: sessionId, c: `/tool ${command}` });
  // The turn is over once the session is idle again.
  await live.waitFor(
    (events) =>
      events.some((e) => e.type === 'turn.completed' || e.type === 'turn.failed') &&
      events.at(-1)?.type === 'session.status' &&
      events.at(-1)?.payload?.status !== 'RUNNING',
    90_000,
  );
  await live.close();
  const failed = live.events.find((e) => e.type === 'turn.failed');
  if (failed) throw new Error(`turn failed: ${JSON.stringify(failed.payload)}`);
  return String(live.events.find((e) => e.type === 'tool.result')?.payload?.output ?? '');
}

const stillServing = async (team: Team) => (await team.client.ok<{ viewer: { team: { id: string } } }>('{ viewer { team { id } } }')).viewer.team.id;

/** `label=blocked` when CMD fails, `label=ESCAPED` when it succeeds. */
const attempt = (label: string, command: string) => `echo "${label}=$( (${command}) >/dev/null 2>&1 && echo ESCAPED || echo blocked)"`;
const field = (output: string, label: string) => new RegExp(`^${label}=(.*)$`, 'm').exec(output)?.[1];

async function runtimeTokenOf(sessionId: string): Promise<{ token: string; endpoint: string }> {
  const row = await t.platform.services.db.sandbox.findUniqueOrThrow({ where: { sessionId: decodeGlobalId(sessionId).id } });
  return { token: t.platform.services.secrets.open(row.tokenCipher!), endpoint: row.endpoint! };
}

describe.each([
  ['an agent without egress rules', [] as string[]],
  ['an agent with egress rules', ['example.com']],
])('the local sandbox boundary, for %s', (_label, egressAllow) => {
  let victim: string;
  let attacker: string;

  beforeAll(async () => {
    victim = await session(teamB, []);
    expect(await run(teamB, victim, 'echo victim-ready')).toContain('victim-ready');
    attacker = await session(teamA, egressAllow);
    expect(await run(teamA, attacker, 'echo attacker-ready')).toContain('attacker-ready');
  }, TIMEOUT);

  it(
    'holds against capabilities, mounts, host files, host ports and the host /proc',
    async () => {
      const api = new URL(t.url);
      const db = new URL(t.platform.databaseUrl);
      const mock = new URL(worker.mock.url);
      const ports = { api: api.port, postgres: db.port || '5432', mock: mock.port };
      const output = await run(
        teamA,
        attacker,
        [
          'echo "caps=$(grep ^CapEff /proc/self/status | cut -f2)"',
          'echo "uid=$(id -u)"',
          attempt('remount', 'mount -o remount,rw /opt/paddock/harnesses'),
          attempt('bindmount', 'mount --bind /workspace /opt/paddock/harnesses'),
          attempt('tmpfs', 'mount -t tmpfs none /tmp'),
          attempt('umount', 'umount /tmp || umount -l /workspace || umount -l /etc'),
          attempt('userns', 'unshare -U -r true'),
          attempt('write-code', `echo hacked >> /opt/paddock/harnesses/runtime/dist/runtime.mjs || echo hacked >> /opt/paddock/harnesses/runtime/src/main.ts`),
          attempt('shadow', 'cat /etc/shadow'),
          attempt('root-home', 'ls /root || ls /home'),
          attempt('checkout', `ls ${REPO_ROOT}/server || cat ${REPO_ROOT}/.env || ls /opt/paddock/server`),
          attempt('data-dir', `cat ${t.dataDir}/secret-key || ls ${t.dataDir} || find / -name secret-key -print -quit | grep -q .`),
          attempt('sandboxes', `ls ${t.dataDir}/sandboxes`),
          ...Object.entries(ports).map(([name, port]) => attempt(`port-${name}`, `curl -s -m 3 --noproxy '*' http://127.0.0.1:${port}/`)),
          attempt('port-postgres-raw', `bash -c 'exec 3<>/dev/tcp/127.0.0.1/${ports.postgres}'`),
          attempt('host-proc', `ls /proc/${process.pid}/environ || cat /proc/1/environ | grep -q PADDOCK_ADMIN_KEY`),
          'echo "procs=$(ls /proc | grep -c "^[0-9]")"',
          'echo "interfaces=$(tail -n +3 /proc/net/dev | wc -l)"',
          'echo "run=$(ls /run/paddock | tr "\\n" " ")"',
          'echo "egress-dir=$(ls /run/paddock/egress | tr "\\n" " ")"',
          // /tmp is memory: it holds no more than the sandbox's memory limit. Open files are bounded.
          'echo "tmp-bytes=$(df -B1 --output=size /tmp | tail -1 | tr -d " ")"',
          'echo "open-files=$(ulimit -n)"',
          // Replacing the runtime's socket would hand the platform's next call, token and all, to an impostor.
          attempt('replace-socket', 'touch /run/paddock/runtime.sock || touch /run/paddock/x || ls /proc/2/fd'),
        ].join('; '),
      );
      expect(field(output, 'caps')).toBe('0000000000000000');
      expect(field(output, 'uid')).toBe('1000');
      for (const label of [
        'remount',
        'bindmount',
        'tmpfs',
        'umount',
        'userns',
        'write-code',
        'shadow',
        'root-home',
        'checkout',
        'data-dir',
        'sandboxes',
        'port-api',
        'port-postgres',
        'port-mock',
        'port-postgres-raw',
        'host-proc',
        'replace-socket',
      ]) {
        expect({ label, result: field(output, label) }).toEqual({ label, result: 'blocked' });
      }
      expect(Number(field(output, 'procs'))).toBeLessThan(10);
      expect(field(output, 'interfaces')).toBe('1');
      // The egress socket is the one way out; the platform reaches the runtime on a socket outside the sandbox.
      // Only the egress socket and Paddock's CA (public), nothing of the platform's own.
      expect(field(output, 'run')?.trim()).toBe('ca-bundle.pem egress egress-ca.pem');
      expect(field(output, 'egress-dir')?.trim()).toBe('proxy.sock');
      expect(Number(field(output, 'tmp-bytes'))).toBeLessThanOrEqual(1024 ** 3);
      expect(field(output, 'open-files')).toBe('1024');
      // And the platform kept serving.
      expect(await stillServing(teamA)).toBeTruthy();
    },
    TIMEOUT,
  );

  it(
    "cannot read its own runtime's token, nor reach another team's runtime",
    async () => {
      const own = await runtimeTokenOf(attacker);
      const other = await runtimeTokenOf(victim);
      const otherSocket = other.endpoint.replace(/^unix:/, '');
      const output = await run(
        teamA,
        attacker,
        [
          'echo "env=$(env | grep -c PADDOCK_RUNTIME_TOKEN)"',
          attempt('environ', 'cat /proc/2/environ'),
          attempt('mem', 'head -c 1 /proc/2/mem'),
          attempt('ptrace', 'ls /proc/2/fd'),
          'printf "dump=%s\\n" "$(cat /proc/[0-9]*/environ /proc/[0-9]*/cmdline 2>/dev/null | tr "\\0" "\\n")"',
          attempt('other-socket', `curl -s -m 3 --unix-socket ${otherSocket} -H 'authorization: Bearer ${other.token}' http://runtime/v1/health`),
          attempt(
            'other-token-here',
            `curl -sf -m 3 --unix-socket /run/paddock/runtime.sock -H 'authorization: Bearer ${other.token}' http://runtime/v1/health`,
          ),
        ].join('; '),
      );
      expect(field(output, 'env')).toBe('0');
      for (const label of ['environ', 'mem', 'ptrace', 'other-socket', 'other-token-here'])
        expect({ label, result: field(output, label) }).toEqual({ label, result: 'blocked' });
      expect(output).not.toContain(own.token);
      // The victim's sandbox still answers its own team.
      expect(await run(teamB, victim, 'echo victim-still-fine')).toContain('victim-still-fine');
    },
    TIMEOUT,
  );

  it(
    'kills a command past the memory limit, reports it, and keeps serving; leaves no background process behind',
    async () => {
      const oom = await run(teamA, attacker, 'node -e "const a = []; for (;;) a.push(Buffer.alloc(1 << 24, 1))"');
      expect(oom).toMatch(/memory limit of 1024 MiB/);
      expect(oom).toContain('[exit code 137]');
      await run(teamA, attacker, '(setsid sleep 4321 >/dev/null 2>&1 &); sleep 4322 >/dev/null 2>&1 & echo started');
      const after = await run(teamA, attacker, 'ps -eo args | grep -c "sleep 432[12]" || true');
      expect(after.trim().split('\n')[0]).toBe('0');
      expect(await stillServing(teamA)).toBeTruthy();
    },
    TIMEOUT,
  );
});
