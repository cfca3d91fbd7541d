import { describe, expect, it } from 'vitest';
import { CombinedError } from '@urql/core';
import { GraphQLError } from 'graphql';
import { describeError, isMissingObject, isUnauthenticated } from './errors.ts';

const gqlError = (message: string, extensions: Record<string, unknown>) => new GraphQLError(message, { extensions });

describe('describeError', () => {
  it("keeps the API's message and maps the code to a heading", () => {
    const problem = describeError(new CombinedError({ graphQLErrors: [gqlError('Agent 123 was not found.', { code: 'NOT_FOUND' })] }));
    expect(problem).toEqual({ code: 'NOT_FOUND', title: 'Not found', message: 'Agent 123 was not found.', field: null });
  });

  it('carries the field of a BAD_USER_INPUT error', () => {
    const problem = describeError(
      new CombinedError({ graphQLErrors: [gqlError('name must be a DNS-1123 label.', { code: 'BAD_USER_INPUT', field: 'name' })] }),
    );
    expect(problem.field).toBe('name');
    expect(problem.title).toBe('Check your input');
  });

  it('says what to do for a conflict', () => {
    const problem = describeError(new CombinedError({ graphQLErrors: [gqlError('The agent is still answering the previous message.', { code: 'CONFLICT' })] }));
    expect(problem.title).toBe('Not possible right now');
    expect(problem.message).toMatch(/still answering/);
  });

  it('keeps the codes of session state conflicts, so callers never read messages', () => {
    for (const [code, title] of [
      ['SESSION_ENDED', 'Session ended'],
      ['TURN_RUNNING', 'The agent is still answering'],
      ['NO_TURN_RUNNING', 'Nothing to stop'],
      ['TURN_STOPPING', 'Still stopping'],
    ] as const) {
      const problem = describeError(new CombinedError({ graphQLErrors: [gqlError('Any wording at all.', { code })] }));
      expect([problem.code, problem.title, problem.message]).toEqual([code, title, 'Any wording at all.']);
    }
  });

  it('replaces a masked server error with advice', () => {
    const problem = describeError(new CombinedError({ graphQLErrors: [gqlError('Unexpected error.', {})] }));
    expect(problem.code).toBe('UNEXPECTED');
    expect(problem.message).toMatch(/server logs/);
  });

  it('explains network failures', () => {
    const problem = describeError(new CombinedError({ networkError: new Error('Failed to fetch') }));
    expect(problem.code).toBe('NETWORK');
    expect(problem.message).toMatch(/did not answer/);
  });

  it('handles WebSocket error arrays', () => {
    expect(describeError([{ message: 'Session x was not found.', extensions: { code: 'NOT_FOUND' } }]).code).toBe('NOT_FOUND');
  });

  it('recognises UNAUTHENTICATED', () => {
    expect(isUnauthenticated(new CombinedError({ graphQLErrors: [gqlError('Send an API key', { code: 'UNAUTHENTICATED' })] }))).toBe(true);
    expect(isUnauthenticated([{ message: 'x', extensions: { code: 'UNAUTHENTICATED' } }])).toBe(true);
    expect(isUnauthenticated(new CombinedError({ graphQLErrors: [gqlError('nope', { code: 'FORBIDDEN' })] }))).toBe(false);
  });
});

describe('isMissingObject', () => {
  it('treats an unknown or malformed id in the URL as not found, and nothing else', () => {
    const of = (code: string) => new CombinedError({ graphQLErrors: [gqlError('x', { code })] });
    expect(isMissingObject(of('NOT_FOUND'))).toBe(true);
    expect(isMissingObject(of('BAD_USER_INPUT'))).toBe(true);
    expect(isMissingObject(of('FORBIDDEN'))).toBe(false);
    expect(isMissingObject(new CombinedError({ networkError: new Error('offline') }))).toBe(false);
  });
});
