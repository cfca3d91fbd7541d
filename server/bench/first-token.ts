/**
 * `pnpm bench:first-token`: send → first token on a new session's first message, with
 * the local driver, without a warm pool and with one, side by side in one run.
 *
 * For each pool size it starts Paddock as `pnpm start` does (embedded PostgreSQL, API,
 * worker, offline mock model) in a temp dir, creates one agent, then, one session after
 * another, subscribes, sends a message and times until the first `message.delta`. The
 * warm runs wait for the pool to refill between sessions, as sessions that do not all
 * arrive at once would find it; the burst figure sends to several new sessions at once.
 *
 * Options: --sessions 20 --pool 2 --burst 4
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { benchTeam, graphql, wsClient } from './stream/graphql.ts';
import { freePort, startChild, waitForHttp } from './stream/procs.ts';

const SERVER_DIR = path.resolve(import.meta.dirname, '..');
const { values: flags } = parseArgs({
  options: { sessions: { type: 'string', default: '20' }, pool: { type: 'string', default: '2' }, burst: { type: 'string', default: '4' } },
});
const SESSIONS = Number(flags.sessions);
const POOL = Number(flags.pool);
const BURST = Number(flags.burst);

type Figures = { pool: number; p50Ms: number; p90Ms: number; minMs: number; maxMs: number; burstP50Ms: number; burstMaxMs: number };

function quantiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: Math.round(at(0.5)), p90: Math.round(at(0.9)), min: Math.round(sorted[0]!), max: Math.round(sorted.at(-1)!) };
}

/** Sends one message to a new session and resolves with ms from the send to its first token. */
async function firstToken(url: string, key: string, agentId: string): Promise<number> {
  const { createSession } = await graphql<{ createSession: { id: string } }>(
    url,
    key,
    `
      mutation ($a: ID!) {
        createSession(input: { agentId: $a }) {
          id
        }
      }
    `,
    { a: agentId },
  );
  const client = wsClient(url, key);
  try {
    let sentAt = 0;
    const first = new Promise<number>((resolve, reject) => {
      client.subscribe<{ sessionEvents: { type: string } }>(
        { query: `subscription($s: ID!) { sessionEvents(sessionId: $s) { type } }`, variables: { s: createSession.id } },
        {
          next: ({ data }) => {
            if (data?.sessionEvents.type === 'message.delta' && sentAt > 0) resolve(performance.now() - sentAt);
            if (data?.sessionEvents.type === 'turn.failed') reject(new Error('the turn failed'));
          },
          error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
          complete: () => undefined,
        },
      );
    });
    // The subscription is open once the session's opening status event arrives; give it a moment.
    await sleep(300);
    sentAt = performance.now();
    await graphql(
      url,
      key,
      `
        mutation ($s: ID!, $c: String!) {
          sendMessage(input: { sessionId: $s, content: $c }) {
            id
          }
        }
      `,
      { s: createSession.id, c: 'hello' },
    );
    const ms = await first;
    await graphql(
      url,
      key,
      `
        mutation ($s: ID!) {
          endSession(sessionId: $s) {
            id
          }
        }
      `,
      { s: createSession.id },
    );
    return ms;
  } finally {
    await client.dispose();
  }
}

async function warmCount(dataDir: string): Promise<number> {
  return (await readdir(path.join(dataDir, 'sandboxes')).catch(() => [] as string[])).filter((name) => name.startsWith('pw-')).length;
}

async function measure(pool: number): Promise<Figures> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'paddock-first-token-'));
  // The embedded PostgreSQL (as its own user when Paddock is root) must pass through to its data directory.
  await chmod(dir, 0o711);
  const port = await freePort();
  const adminKey = randomBytes(24).toString('base64url');
  const { child } = await startChild({
    name: `paddock (pool ${pool})`,
    argv: [path.join(SERVER_DIR, 'node_modules/.bin/tsx'), 'src/bin/start.ts'],
    cwd: SERVER_DIR,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      HOST: '127.0.0.1',
      PADDOCK_DATA_DIR: path.join(dir, 'data'),
      PADDOCK_ADMIN_KEY: adminKey,
      PADDOCK_LOCAL_WARM_POOL: String(pool),
      PADDOCK_LOG_LEVEL: 'warn',
    },
    logFile: path.join(dir, 'paddock.log'),
    timeoutMs: 120_000,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/healthz`, child, 180_000);
    const { key, agentId } = await benchTeam(url, adminKey, 'bench', { name: 'bench' });
    const dataDir = path.join(dir, 'data');
    const refilled = async () => {
      const deadline = Date.now() + 60_000;
      while (pool > 0 && (await warmCount(dataDir)) < pool && Date.now() < deadline) await sleep(100);
    };
    // The first session tells the pool which harness to keep; it is not measured.
    await firstToken(url, key, agentId);
    const samples: number[] = [];
    for (let i = 0; i < SESSIONS; i++) {
      await refilled();
      samples.push(await firstToken(url, key, agentId));
    }
    await refilled();
    const burst = await Promise.all(Array.from({ length: BURST }, () => firstToken(url, key, agentId)));
    const q = quantiles(samples);
    const b = quantiles(burst);
    return { pool, p50Ms: q.p50, p90Ms: q.p90, minMs: q.min, maxMs: q.max, burstP50Ms: b.p50, burstMaxMs: b.max };
  } finally {
    await child.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const results: Figures[] = [];
for (const pool of [0, POOL]) results.push(await measure(pool));
console.log(
  `send → first token on a new session's first message (local driver, ${SESSIONS} sessions one after another, then ${BURST} at once; ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)})`,
);
for (const r of results) console.log(JSON.stringify(r));
console.log(JSON.stringify({ goal: 'p50 < 300 ms with the warm pool on', met: (results[1]?.p50Ms ?? Infinity) < 300 }));
