import { describe, expect, it } from 'vitest';
import { HttpError } from '../src/http/errors.ts';
import { DEFAULT_LIMITS } from '../src/session/limits.ts';
import { parseAttach } from '../src/session/parse-attach.ts';

const valid = { sessionId: 's', model: 'm', gateway: { baseUrl: 'http://gw:4000/v1/' } };

function problem(body: unknown): string {
  try {
    parseAttach(body);
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(400);
    return (error as HttpError).message;
  }
  throw new Error('expected the body to be refused');
}

describe('attach request validation', () => {
  it('fills defaults and normalises a valid body', () => {
    expect(
      parseAttach({
        ...valid,
        history: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: null, toolCalls: [{ id: 'c', name: 'bash' }] },
        ],
      }),
    ).toEqual({
      sessionId: 's',
      systemPrompt: '',
      model: 'm',
      gateway: { baseUrl: 'http://gw:4000/v1', apiKey: '' },
      env: {},
      history: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 'bash', input: {} }] },
      ],
      limits: DEFAULT_LIMITS,
      mcpServers: [],
      toolPolicy: [],
    });
    expect(parseAttach({ ...valid, limits: { maxSteps: 3, commandNetwork: null } }).limits).toEqual({ ...DEFAULT_LIMITS, maxSteps: 3 });
  });

  it.each([
    ['a non-object body', [1, 2], 'The request body must be a JSON object.'],
    ['a null body', null, 'The request body must be a JSON object.'],
    ['a missing sessionId', { model: 'm', gateway: valid.gateway }, 'sessionId must be a string.'],
    ['a blank sessionId', { ...valid, sessionId: '  ' }, 'sessionId must not be empty.'],
    ['a long sessionId', { ...valid, sessionId: 'x'.repeat(201) }, 'sessionId must be at most 200 characters.'],
    ['a numeric model', { ...valid, model: 7 }, 'model must be a string.'],
    ['a missing gateway', { sessionId: 's', model: 'm' }, 'gateway must be a JSON object.'],
    ['a bad gateway URL', { ...valid, gateway: { baseUrl: 'not a url' } }, 'gateway.baseUrl must be an absolute http(s) URL, e.g. http://gateway:4000/v1.'],
    ['a non-http gateway', { ...valid, gateway: { baseUrl: 'ftp://gw/v1' } }, 'gateway.baseUrl must use http or https.'],
    ['history that is not a list', { ...valid, history: {} }, 'history must be an array.'],
    ['a bad role', { ...valid, history: [{ role: 'robot', content: '' }] }, 'history[0].role must be one of user, assistant, tool, system.'],
    [
      'a tool message without toolCallId',
      { ...valid, history: [{ role: 'user' }, { role: 'tool', content: '' }] },
      'history[1] has role "tool" and so needs a toolCallId.',
    ],
    [
      'tool call input that is a list',
      { ...valid, history: [{ role: 'assistant', toolCalls: [{ id: 'c', name: 'n', input: [] }] }] },
      'history[0].toolCalls[0].input must be a JSON object.',
    ],
    [
      'a tool call without a name',
      { ...valid, history: [{ role: 'assistant', toolCalls: [{ id: 'c', name: '' }] }] },
      'history[0].toolCalls[0].name must not be empty.',
    ],
    ['env that is a list', { ...valid, env: ['A=1'] }, 'env must be a JSON object.'],
    ['a non-string env value', { ...valid, env: { API_KEY: 42 } }, 'env.API_KEY must be a string.'],
    ['an invalid env name', { ...valid, env: { 'A-B': 'x' } }, 'env name "A-B" is not a valid environment variable name.'],
    ['out-of-range limits', { ...valid, limits: { maxSteps: 0 } }, 'limits.maxSteps must be an integer from 1 to 100.'],
    ['fractional limits', { ...valid, limits: { toolTimeoutMs: 1000.5 } }, 'limits.toolTimeoutMs must be an integer from 100 to 3600000.'],
    ['an unknown network mode', { ...valid, limits: { commandNetwork: 'off' } }, 'limits.commandNetwork must be "host" or "none".'],
  ])('refuses %s, naming the field', (_label, body, message) => {
    expect(problem(body)).toBe(message);
  });

  it('never echoes secret env values', () => {
    const message = problem({ ...valid, env: { GOOD: 'super-secret-value', BAD: 1, 'BAD-NAME': 'other-secret' } });
    expect(message).not.toMatch(/super-secret-value|other-secret/);
  });
});
