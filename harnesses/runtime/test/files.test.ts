import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw, startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('workspace files', () => {
  it('writes, reads and lists files, creating parent directories', async () => {
    expect(await h.client.writeFile('src/deep/hello.txt', 'héllo\n')).toEqual({ path: 'src/deep/hello.txt', size: 7 });
    expect(await h.client.readFile('src/deep/hello.txt')).toBe('héllo\n');
    await h.client.writeFile('src/a.md', '# a');
    expect(await h.client.listFiles('src')).toEqual([
      { name: 'a.md', type: 'file', size: 3 },
      { name: 'deep', type: 'directory', size: expect.any(Number) },
    ]);
    const root = await h.client.listFiles();
    expect(root.map((e) => e.name)).toContain('src');
  });

  it('accepts absolute paths inside the workspace', async () => {
    await h.client.writeFile(path.join(h.workspace, 'abs.txt'), 'ok');
    expect(await h.client.readFile('abs.txt')).toBe('ok');
  });

  it.each([
    ['a parent escape', '../outside.txt'],
    ['a nested escape', 'src/../../outside.txt'],
    ['an absolute path elsewhere', '/etc/passwd'],
  ])('refuses %s with 400', async (_label, p) => {
    for (const [method, route] of [
      ['GET', '/v1/files/content'],
      ['PUT', '/v1/files/content'],
      ['GET', '/v1/files'],
    ] as const) {
      const res = await raw(h, `${route}?path=${encodeURIComponent(p)}`, { method, body: method === 'PUT' ? 'x' : undefined });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/outside the workspace/);
    }
  });

  it('refuses symlinks that escape the workspace', async () => {
    const outside = path.join(path.dirname(h.workspace), 'secret');
    await mkdir(outside, { recursive: true });
    await writeFile(path.join(outside, 'key.txt'), 'secret');
    await symlink(outside, path.join(h.workspace, 'link'));
    for (const p of ['link/key.txt', 'link', 'link/new/file.txt']) {
      const read = await raw(h, `/v1/files/content?path=${encodeURIComponent(p)}`);
      expect(read.status).toBe(400);
    }
    const write = await raw(h, `/v1/files/content?path=link/new.txt`, { method: 'PUT', body: 'x' });
    expect(write.status).toBe(400);
    // A symlink that stays inside is fine.
    await symlink(path.join(h.workspace, 'src'), path.join(h.workspace, 'src-link'));
    expect(await h.client.readFile('src-link/a.md')).toBe('# a');
  });

  it('refuses writes through symlinks, dangling ones included, and leaves their targets untouched', async () => {
    const outside = path.join(path.dirname(h.workspace), `victim-${Date.now()}`);
    await mkdir(outside, { recursive: true });
    // Dangling: the target does not exist yet; following it would create it outside.
    await symlink(path.join(outside, 'planted.txt'), path.join(h.workspace, 'dangling'));
    // Pointing inside: still a symlink, still refused, so a link swapped later cannot redirect a write.
    await writeFile(path.join(h.workspace, 'target.txt'), 'original');
    await symlink(path.join(h.workspace, 'target.txt'), path.join(h.workspace, 'inside-link'));
    for (const p of ['dangling', 'inside-link']) {
      const res = await raw(h, `/v1/files/content?path=${p}`, { method: 'PUT', body: 'attack' });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string; message: string } }).error.message).toMatch(/symlink/);
    }
    expect(await readdir(outside)).toEqual([]);
    expect(await readFile(path.join(h.workspace, 'target.txt'), 'utf8')).toBe('original');
    // The agent's own write_file tool goes through the same check.
    await h.client.attach(h.attachRequest());
    const results: string[] = [];
    for await (const event of h.client.startTurn({ turnId: `w-${Date.now()}`, content: '/write dangling attack' })) {
      if (event.type === 'tool.result') results.push(JSON.stringify(event));
    }
    expect(results.join('\n')).toMatch(/symlink/);
    expect(await readdir(outside)).toEqual([]);
  });

  it('answers missing files with 404 and directories with 400', async () => {
    expect((await raw(h, '/v1/files/content?path=nope.txt')).status).toBe(404);
    expect((await raw(h, '/v1/files?path=nope')).status).toBe(404);
    expect((await raw(h, '/v1/files/content?path=src')).status).toBe(400);
    expect((await raw(h, '/v1/files/content')).status).toBe(400);
  });
});
