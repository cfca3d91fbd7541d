import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { createDb, type Db } from '../db/index.ts';
import { createLogger } from '../log/index.ts';
import { PgEventBus } from './bus.ts';
import { sessionEventStream } from './stream.ts';

let database: TestDatabase;
let bus: PgEventBus;
let down: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  bus = await PgEventBus.connect(database.databaseUrl, createLogger('stream-test', 'silent'));
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  down = createDb(`postgresql://paddock:x@127.0.0.1:${port}/paddock`, { poolSize: 1 });
});
afterAll(async () => {
  await down?.$disconnect();
  await bus?.close();
  await database?.drop();
});

describe('a session event stream', () => {
  it('ends with a retryable UNAVAILABLE error naming the seq to resume from when the log stays unreadable', async () => {
    const stream = sessionEventStream(down, bus, '00000000-0000-4000-8000-000000000001', 41, undefined, { readRetryMs: 300 });
    const error = await stream.next().catch((e: unknown) => e);
    expect(error).toMatchObject({ extensions: { code: 'UNAVAILABLE', retryable: true, lastSeq: 41 } });
    expect((error as Error).message).toMatch(/Resubscribe with after: 41/);
  });
});
