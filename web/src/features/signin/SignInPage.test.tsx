import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AuthProvider } from '../../app/auth.tsx';
import { SignInPage } from './SignInPage.tsx';
import type { VerifyResult } from '../../lib/auth/verify.ts';
import type { AdminKeyLocation } from '../../lib/auth/hint.ts';

const KEY = 'pdk_0123456789abcdefghijABCDEFGHIJ0123456789';
const viewer = { role: 'ADMIN' as const, team: { id: 't', name: 'default' }, apiKey: { id: 'k', name: 'admin', prefix: 'pdk_012345' } };

function setup(result: VerifyResult, location: AdminKeyLocation | null = null) {
  const verify = vi.fn(async () => result);
  const onSignedIn = vi.fn();
  render(
    <AuthProvider>
      <SignInPage onSignedIn={onSignedIn} verify={verify} locateAdminKey={async () => location} />
    </AuthProvider>,
  );
  return { verify, onSignedIn };
}

describe('SignInPage', () => {
  afterEach(() => window.sessionStorage.clear());

  it('checks the key with the API, then keeps it for this tab only', async () => {
    const { verify, onSignedIn } = setup({ ok: true, viewer });
    await userEvent.type(screen.getByLabelText('API key'), `  ${KEY} `);
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(onSignedIn).toHaveBeenCalled());
    expect(verify).toHaveBeenCalledWith(KEY);
    expect(window.sessionStorage.getItem('paddock.apiKey')).toBe(KEY);
    expect(window.localStorage.getItem('paddock.apiKey')).toBeNull();
  });

  it('asks for a key without calling the API when the field is empty', async () => {
    const { verify } = setup({ ok: true, viewer });
    await userEvent.type(screen.getByLabelText('API key'), '   {Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent(/Paste an API key/);
    expect(verify).not.toHaveBeenCalled();
    expect(screen.getByLabelText('API key')).toHaveAttribute('aria-invalid', 'true');
  });

  it('lets the server judge a key of any shape', async () => {
    const custom = 'my-own-admin-key-without-the-usual-prefix';
    const { verify, onSignedIn } = setup({ ok: true, viewer });
    await userEvent.type(screen.getByLabelText('API key'), `${custom}{Enter}`);
    await waitFor(() => expect(onSignedIn).toHaveBeenCalled());
    expect(verify).toHaveBeenCalledWith(custom);
    expect(window.sessionStorage.getItem('paddock.apiKey')).toBe(custom);
  });

  it('shows the admin key path the server reports', async () => {
    setup({ ok: true, viewer }, { source: 'file', path: '/srv/paddock-data/admin-key' });
    expect(await screen.findByText('/srv/paddock-data/admin-key')).toBeInTheDocument();
    expect(screen.queryByText('.paddock/admin-key')).toBeNull();
  });

  it('points at PADDOCK_ADMIN_KEY when the server was given its key', async () => {
    setup({ ok: true, viewer }, { source: 'env', variable: 'PADDOCK_ADMIN_KEY' });
    expect(await screen.findByText('PADDOCK_ADMIN_KEY')).toBeInTheDocument();
  });

  it('shows why the API refused the key and stores nothing', async () => {
    const { onSignedIn } = setup({ ok: false, message: 'Paddock did not accept this API key.' });
    await userEvent.type(screen.getByLabelText('API key'), `${KEY}{Enter}`);
    expect(await screen.findByRole('alert')).toHaveTextContent('Paddock did not accept this API key.');
    expect(onSignedIn).not.toHaveBeenCalled();
    expect(window.sessionStorage.length).toBe(0);
  });
});
