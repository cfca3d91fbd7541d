import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.ts';
import { createLogger } from '../log/index.ts';
import { openDatabase } from './database.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('embedded PostgreSQL', () => {
  it('starts with no DATABASE_URL, migrates, and keeps data across a restart', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'paddock-embedded-'));
    dirs.push(dataDir);
    const config = loadConfig({ PADDOCK_DATA_DIR: dataDir });
    const log = createLogger('embedded-test', 'silent');

    const first = await openDatabase(config, log);
    expect(first.databaseUrl).toMatch(/^postgres(ql)?:\/\/.*127\.0\.0\.1/);
    await first.db.team.create({ data: { id: '01a1f000-0000-7000-8000-000000000001', name: 'survivor' } });
    await first.close();

    const second = await openDatabase(config, log);
    try {
      expect(await second.db.team.findUnique({ where: { name: 'survivor' } })).not.toBeNull();
    } finally {
      await second.close();
    }
  }, 120_000);
});
