import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Client, fetchExchange, Provider } from 'urql';
import AuditPage from './AuditPage.tsx';
import { toAuditFilter } from './filters.ts';

type Body = { query: string; variables: Record<string, unknown> };

const entry = (n: number, fields: Record<string, unknown> = {}) => ({
  __typename: 'AuditEvent',
  id: `e${n}`,
  action: 'agent.create',
  actorKeyId: 'QXBpS2V5OjAxOTBiNmEwLTAwMDAtNzAwMC04MDAwLTAwMDAwMDAwMDAwMQ',
  actorRole: 'MEMBER',
  teamId: 't',
  clientAddress: '10.0.0.7',
  userAgent: 'curl/8',
  targetId: 'QWdlbnQ6MDE5MGI2YTAtMDAwMC03MDAwLTgwMDAtMDAwMDAwMDAwMDAy',
  outcome: 'SUCCESS',
  detail: null,
  createdAt: '2026-03-10T12:00:00.000Z',
  ...fields,
});

/** A real urql client whose network answers like the API, recording what was asked. */
function api(pages: (body: Body) => unknown) {
  const requests: Body[] = [];
  const fetch = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as Body;
    requests.push(body);
    return new Response(JSON.stringify({ data: pages(body) }), { headers: { 'content-type': 'application/json' } });
  });
  const client = new Client({ url: 'http://paddock.test/graphql', preferGetMethod: false, exchanges: [fetchExchange], fetch });
  render(
    <Provider value={client}>
      <AuditPage />
    </Provider>,
  );
  return requests;
}

const page = (edges: ReturnType<typeof entry>[], pageInfo: Record<string, unknown> = {}) => ({
  auditEvents: {
    __typename: 'AuditEventConnection',
    edges: edges.map((node) => ({ __typename: 'AuditEventEdge', cursor: `c-${node.id}`, node })),
    pageInfo: { __typename: 'PageInfo', hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null, ...pageInfo },
  },
});

describe('AuditPage', () => {
  afterEach(() => window.history.replaceState(null, '', '/'));

  it('lists entries with outcome, actor, client and detail', async () => {
    window.history.replaceState(null, '', '/audit');
    api(() => page([entry(1), entry(2, { action: 'auth.failure', outcome: 'DENIED', actorKeyId: null, actorRole: null, detail: { transport: 'http' } })]));
    expect(await screen.findByRole('button', { name: 'auth.failure' })).toBeInTheDocument();
    expect(screen.getByText('denied')).toHaveClass('badge-danger');
    expect(screen.getByText('no key')).toBeInTheDocument();
    expect(screen.getByText('transport: http')).toBeInTheDocument();
    expect(screen.getAllByText('10.0.0.7')).toHaveLength(2);
  });

  it('filters by a clicked action and pages with cursors in the URL', async () => {
    window.history.replaceState(null, '', '/audit');
    const requests = api((body) =>
      body.variables.after ? page([entry(3)], { hasPreviousPage: true }) : page([entry(1)], { hasNextPage: true, endCursor: 'c-e1' }),
    );
    await userEvent.click(await screen.findByRole('button', { name: 'agent.create' }));
    await waitFor(() => expect(requests.at(-1)?.variables.filter).toEqual({ action: 'agent.create' }));
    expect(window.location.search).toBe('?action=agent.create');
    await userEvent.click(await screen.findByRole('button', { name: 'Next →' }));
    await waitFor(() => expect(requests.at(-1)?.variables).toMatchObject({ first: 50, after: 'c-e1', filter: { action: 'agent.create' } }));
  });

  it('says what to fix when the dates are the wrong way round, without asking the API', async () => {
    window.history.replaceState(null, '', '/audit?from=2026-03-10&to=2026-03-01');
    const requests = api(() => page([]));
    expect(await screen.findByRole('alert')).toHaveTextContent(/“from” date must be on or before the “to” date/);
    expect(requests).toEqual([]);
  });
});

describe('toAuditFilter', () => {
  it('turns the URL into the API filter, with an inclusive "to" day', () => {
    const { filter, problem } = toAuditFilter({ action: ' apikey.revoke ', key: 'K', target: null, from: '2026-03-01', to: '2026-03-01' });
    expect(problem).toBeNull();
    expect(filter).toMatchObject({ action: 'apikey.revoke', actorKeyId: 'K' });
    expect(new Date(filter!.to as string).getTime() - new Date(filter!.from as string).getTime()).toBe(86_400_000);
    expect(toAuditFilter({})).toEqual({ filter: null, problem: null });
  });
});
