import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Link, Route, Switch, useLocation } from 'wouter';
import { AppRouter, decodeParam, href, paths, safeNext, useQueryParams } from './routes.tsx';

function Where() {
  const [pathname] = useLocation();
  const [query, setQuery] = useQueryParams();
  return (
    <>
      <output>{`${pathname}|${query.get('q') ?? ''}`}</output>
      <button type="button" onClick={() => setQuery({ q: 'bot', page: '2' })}>
        filter
      </button>
      <button type="button" onClick={() => setQuery({ q: '', page: null })}>
        clear
      </button>
      <button type="button" onClick={() => setQuery({ page: '3' }, { replace: false })}>
        next page
      </button>
    </>
  );
}

function App() {
  return (
    <AppRouter>
      <Link to={paths.agents}>Agents</Link>
      <Link to={href.agent('team/a b=')}>Odd agent</Link>
      <Switch>
        <Route path={paths.newAgent}>new agent</Route>
        <Route path={paths.agent}>{({ id }) => <p data-testid="agent">{decodeParam(id) ?? 'malformed'}</p>}</Route>
      </Switch>
      <Where />
    </AppRouter>
  );
}

const goTo = (url: string) => act(() => window.history.replaceState(null, '', url));

afterEach(() => goTo('/'));

describe('dashboard routes', () => {
  it('builds encoded links and hands pages decoded, typed params', async () => {
    goTo('/');
    render(<App />);
    await userEvent.click(screen.getByRole('link', { name: 'Odd agent' }));
    expect(window.location.pathname).toBe('/agents/team%2Fa%20b%3D');
    expect(screen.getByTestId('agent').textContent).toBe('team/a b=');
    goTo('/agents/new');
    expect(screen.queryByTestId('agent')).toBeNull();
    expect(screen.getByText('new agent')).toBeTruthy();
    goTo('/agents/%E0%A4%A');
    expect(screen.getByTestId('agent').textContent).toBe('malformed');
  });

  it('navigates in-app on a plain click and leaves modified clicks to the browser', async () => {
    goTo('/sessions');
    const scrollTo = vi.spyOn(window, 'scrollTo').mockImplementation(() => {});
    render(<App />);
    const link = screen.getByRole('link', { name: 'Agents' });
    expect(fireEvent.click(link, { ctrlKey: true })).toBe(true); // not prevented: opens a new tab
    expect(window.location.pathname).toBe('/sessions');
    const before = window.history.length;
    await userEvent.click(link);
    expect(screen.getByRole('status').textContent).toBe('/agents|');
    expect(window.history.length).toBe(before + 1);
    expect(scrollTo).toHaveBeenCalledWith(0, 0);
    // A link to where we already are adds no history entry.
    await userEvent.click(link);
    expect(window.history.length).toBe(before + 1);
  });

  it('changes query parameters in place, dropping empty ones', async () => {
    goTo('/agents?keep=1');
    render(<App />);
    const before = window.history.length;
    await userEvent.click(screen.getByRole('button', { name: 'filter' }));
    expect(window.location.search).toBe('?keep=1&q=bot&page=2');
    expect(screen.getByRole('status').textContent).toBe('/agents|bot');
    await userEvent.click(screen.getByRole('button', { name: 'clear' }));
    expect(window.location.search).toBe('?keep=1');
    expect(window.history.length).toBe(before);
    await userEvent.click(screen.getByRole('button', { name: 'next page' }));
    expect(window.location.search).toBe('?keep=1&page=3');
    expect(window.history.length).toBe(before + 1);
  });

  it('sends a signed-in user back only to a dashboard path', () => {
    expect(safeNext('/sessions/abc?tab=events')).toBe('/sessions/abc?tab=events');
    for (const next of [null, '', 'https://evil.example', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)']) {
      expect(safeNext(next)).toBe(paths.agents);
    }
    expect(href.signIn('/sessions/x')).toBe('/sign-in?next=%2Fsessions%2Fx');
    expect(href.signIn(paths.agents)).toBe(paths.signIn);
  });
});
