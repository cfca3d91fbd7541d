import { describe, expect, it } from 'vitest';
import { Redactor } from './redact.ts';

describe('redaction', () => {
  const redactor = new Redactor([
    { name: 'API_TOKEN', value: 'tok-123456' },
    { name: 'LONG', value: 'tok-123456-extended' },
    { name: 'SHORT', value: 'abc' },
  ]);

  it('replaces values in text and nested JSON, longest first, leaving too-short values alone', () => {
    expect(redactor.text('a tok-123456 b tok-123456-extended abc')).toBe('a [redacted:API_TOKEN] b [redacted:LONG] abc');
    expect(redactor.value({ output: ['x tok-123456'], n: 1, nested: { 'tok-123456': true } })).toEqual({
      output: ['x [redacted:API_TOKEN]'],
      n: 1,
      nested: { '[redacted:API_TOKEN]': true },
    });
  });

  it('never releases a secret split across stream chunks', () => {
    const stream = redactor.stream();
    const chunks = ['value: to', 'k-12', '3456', ' and tok-1', '23456-ext', 'ended.', ' tok-'];
    const emitted = chunks.map((c) => stream.push(c));
    emitted.push(stream.flush());
    for (const piece of emitted) expect(piece).not.toMatch(/tok-12|3456/);
    expect(emitted.join('')).toBe('value: [redacted:API_TOKEN] and [redacted:LONG]. tok-');
  });
});
