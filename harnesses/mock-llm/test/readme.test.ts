import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planReply } from '../src/script.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

describe("Paddock's README", () => {
  it('lists every directive the mock model follows, and each listed one is real', async () => {
    const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## The offline mock model'), readme.indexOf('## Operating'));
    const listed = [...section.matchAll(/`\/(\w+)/g)].map((m) => m[1]!);
    const source = await readFile(path.join(import.meta.dirname, '../src/script.ts'), 'utf8');
    const handled = [...source.matchAll(/case '(\w+)':/g)].map((m) => m[1]!);
    expect(handled.length).toBeGreaterThan(5);
    expect(new Set(listed)).toEqual(new Set(handled));
    for (const directive of listed) {
      const plan = planReply([{ role: 'user', content: `/${directive} 3`, toolCalls: [], toolCallId: undefined }]);
      const echoed = plan.reply.kind === 'text' && plan.reply.tokens.join('').startsWith(`You said: /${directive}`);
      expect(echoed, directive).toBe(false);
    }
  });

  it('first chat example makes the offline mock run a tool', async () => {
    const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
    const first = /sendMessage\(input: \{ sessionId: \$s, content: \\"([^\\]+)\\"/.exec(readme);
    expect(first?.[1]).toMatch(/^\/tool \S/);
  });
});
