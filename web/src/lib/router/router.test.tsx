import { describe, expect, it } from 'vitest';
import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Link, matchPath, navigate, setSearchParams, useLocation } from './router.tsx';

function Where() {
  const { pathname, search } = useLocation();
  return <output>{`${pathname}|${search.get('q') ?? ''}`}</output>;
}

describe('router', () => {
  it('matches patterns with params', () => {
    expect(matchPath('/agents/:id', '/agents/abc')).toEqual({ id: 'abc' });
    expect(matchPath('/agents/:id/edit', '/agents/a%20b/edit')).toEqual({ id: 'a b' });
    expect(matchPath('/agents/:id', '/agents')).toBeNull();
    expect(matchPath('/agents', '/sessions')).toBeNull();
  });

  it('navigates on link click and updates the query', async () => {
    act(() => navigate('/'));
    render(
      <>
        <Link to="/agents">Agents</Link>
        <Where />
      </>,
    );
    await userEvent.click(screen.getByRole('link', { name: 'Agents' }));
    expect(screen.getByRole('status').textContent).toBe('/agents|');
    act(() => setSearchParams({ q: 'bot' }));
    expect(screen.getByRole('status').textContent).toBe('/agents|bot');
    act(() => setSearchParams({ q: '' }));
    expect(window.location.search).toBe('');
  });
});
