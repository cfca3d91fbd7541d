import { describe, expect, it } from 'vitest';
import { toSessionFilter } from './filters.ts';

describe('session filters', () => {
  it('turns date inputs into an inclusive day range', () => {
    const { filter, problem } = toSessionFilter({ from: '2026-03-01', to: '2026-03-01' });
    expect(problem).toBeNull();
    expect(filter?.createdAfter).toBe(new Date(2026, 2, 1).toISOString());
    expect(filter?.createdBefore).toBe(new Date(2026, 2, 2).toISOString());
  });

  it('passes agent and a known status, ignores junk', () => {
    expect(toSessionFilter({ agent: 'QWdlbnQ6MQ==', status: 'RUNNING' }).filter).toEqual({ agentId: 'QWdlbnQ6MQ==', status: 'RUNNING' });
    expect(toSessionFilter({ status: 'SLEEPING', from: 'yesterday' }).filter).toBeNull();
  });

  it('explains a reversed range', () => {
    expect(toSessionFilter({ from: '2026-03-05', to: '2026-03-01' }).problem).toMatch(/on or before/);
  });
});
