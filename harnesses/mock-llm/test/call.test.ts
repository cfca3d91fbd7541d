import { describe, expect, it } from 'vitest';
import { planReply } from '../src/script.ts';
import { toProtocolReply } from '../src/reply.ts';
import { functionCallItem } from '../src/responses/output.ts';
import { asCustom, inNamespace, parseResponsesRequest } from '../src/responses/request.ts';
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
    expect(toolUseFor('read_file', { path: 'a' }, ['Bash'])).toEqual({
      name: 'Bash',
      input: { command: "cat -- 'a'", description: 'Run the command the user asked for' },
    });
  });

  it('calls a tool in a namespace the client offered as the Responses API does: namespace and name apart', () => {
    const request = parseResponsesRequest({
      input: '/call mcp__docs__search {"query": "q"}',
      tools: [
        { type: 'function', name: 'exec_command' },
        {
          type: 'namespace',
          name: 'mcp__docs',
          tools: [
            { type: 'function', name: 'search' },
            { type: 'function', name: 'whoami' },
          ],
        },
      ],
    });
    expect(request.tools).toEqual(['exec_command', 'mcp__docs__search', 'mcp__docs__whoami']);
    const { reply } = planReply(request.messages);
    if (reply.kind !== 'tool') throw new Error('expected a tool call');
    const call = inNamespace(toProtocolReply(reply, request.tools), request.namespaces);
    if (call.kind !== 'tool') throw new Error('expected a tool call');
    expect(functionCallItem('fc_1', call, 'completed')).toMatchObject({
      type: 'function_call',
      namespace: 'mcp__docs',
      name: 'search',
      arguments: '{"query":"q"}',
    });
    // The call comes back in the next request's input under its qualified name.
    const next = parseResponsesRequest({
      input: [
        { type: 'message', role: 'user', content: '/call mcp__docs__search {"query": "q"}' },
        { type: 'function_call', call_id: 'c1', namespace: 'mcp__docs', name: 'search', arguments: '{"query":"q"}' },
        { type: 'function_call_output', call_id: 'c1', output: '3 results' },
      ],
    });
    expect(next.messages[1]?.toolCalls[0]?.name).toBe('mcp__docs__search');
    // A name outside any offered namespace stays whole.
    const plain = inNamespace(toProtocolReply(reply, []), []);
    expect(plain.kind === 'tool' && plain.use).toEqual({ name: 'mcp__docs__search', input: { query: 'q' } });
  });

  it("calls a custom (freeform) tool, such as Codex's apply_patch, with its text input", () => {
    const patch = '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\n';
    const request = parseResponsesRequest({
      input: `/call apply_patch ${JSON.stringify({ input: patch })}`,
      tools: [
        { type: 'function', name: 'exec_command' },
        { type: 'custom', name: 'apply_patch', format: { type: 'grammar' } },
      ],
    });
    expect(request.customTools).toEqual(['apply_patch']);
    const { reply } = planReply(request.messages);
    if (reply.kind !== 'tool') throw new Error('expected a tool call');
    const call = asCustom(toProtocolReply(reply, request.tools), request.customTools);
    if (call.kind !== 'tool') throw new Error('expected a tool call');
    expect(functionCallItem('fc_1', call, 'completed')).toEqual({
      id: 'fc_1',
      type: 'custom_tool_call',
      status: 'completed',
      call_id: reply.callId,
      name: 'apply_patch',
      input: patch,
    });
    // A function tool of that name is called with JSON arguments as before.
    const plain = asCustom(toProtocolReply(reply, ['apply_patch']), []);
    expect(plain.kind === 'tool' && functionCallItem('fc_1', plain, 'completed')).toMatchObject({
      type: 'function_call',
      arguments: JSON.stringify({ input: patch }),
    });
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
