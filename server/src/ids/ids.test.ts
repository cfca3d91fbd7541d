import { describe, expect, it } from 'vitest';
import { isUuid, minIdAt, newId } from './index.ts';

describe('newId', () => {
  it('mints valid, strictly increasing UUIDv7s even within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => newId(1_700_000_000_000));
    for (const id of ids) expect(isUuid(id)).toBe(true);
    expect(ids[0]?.[14]).toBe('7');
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('orders ids by time, and minIdAt bounds them', () => {
    const early = newId(Date.parse('2030-01-01T00:00:00Z'));
    const late = newId(Date.parse('2030-01-02T00:00:00Z'));
    expect(early < late).toBe(true);
    expect(minIdAt(new Date('2030-01-01T12:00:00Z')) > early).toBe(true);
    expect(minIdAt(new Date('2030-01-01T12:00:00Z')) < late).toBe(true);
  });
});
