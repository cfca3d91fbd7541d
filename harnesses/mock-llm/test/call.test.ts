import { describe, expect, it } from 'vitest';
import { planReply } from '../src/script.ts';
import { toolUseFor } from '../src/tool-dialect.ts';

const user = (content: string) => [{ role: 'user', content, toolCalls: [], toolCallId: undefined }];

describe('/call TOOL_NAME {json args}', () => {
  it('calls the named tool with the JSON object as its arguments', () => {
    const { reply } = planReply(user('/call docs__search {"query": "egress", "limit": 3, "tags": ["a"]}'));
    expect(reply).toMatchObject({ kind: 'tool', name: 'docs__search', arguments: { query: 'egress', limit: 3, tags: ['a'] } });
  });

  it('calls a tool without arguments', () => {
    expect(planReply(user('/call docs__whoami')).reply).toMatchObject({ kind: 'tool', name: 'docs__whoami', arguments: {} });
  });

  it('explains arguments that are not a JSON object instead of calling', () => {
    for (const bad of ['/call x {not json', '/call x [1, 2]', '/call']) {
      const { reply } = planReply(user(bad));
      expect(reply.kind, bad).toBe('text');
    }
    const { reply } = planReply(user('/call x [1]'));
    expect(reply.kind === 'text' && reply.tokens.join('')).toMatch(/must be a JSON object/);
  });

  it('hands the tool to every client by its own name, even one that offers only a shell', () => {
    expect(toolUseFor('mcp__docs__search', { query: 'q' }, ['Bash', 'Read'])).toEqual({ name: 'mcp__docs__search', input: { query: 'q' } });
    expect(toolUseFor('read_file', { path: 'a' }, ['Bash'])).toEqual({ name: 'Bash', input: { command: "cat -- 'a'", description: 'Run the command the user asked for' } });
  });

  it('summarises the result by tool name', () => {
    const messages = [
      ...user('/call docs__search {"query": "q"}'),
      { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'docs__search', arguments: '{"query":"q"}' }], toolCallId: undefined },
      { role: 'tool', content: '3 results', toolCalls: [], toolCallId: 'c1' },
    ];
    const { reply } = planReply(messages);
    expect(reply.kind === 'text' && reply.tokens.join('')).toBe('Tool `docs__search` finished. First line of output: 3 results');
  });
});
