import { useEffect, useId, useState, type FormEvent } from 'react';
import { useAuth } from '../../app/auth.tsx';
import { checkKeyFormat } from '../../lib/auth/storage.ts';
import { verifyApiKey } from '../../lib/auth/verify.ts';
import { fetchAdminKeyLocation, type AdminKeyLocation } from '../../lib/auth/hint.ts';

type Props = { onSignedIn: () => void; verify?: typeof verifyApiKey; locateAdminKey?: typeof fetchAdminKeyLocation };

function AdminKeyHint({ location }: { location: AdminKeyLocation | null }) {
  if (location?.source === 'file') {
    return (
      <>
        The admin key is saved in <code data-testid="admin-key-path">{location.path}</code> on the Paddock server.
      </>
    );
  }
  if (location?.source === 'env') {
    return (
      <>
        The admin key is the value of <code>{location.variable}</code> Paddock was started with.
      </>
    );
  }
  return <>Paddock prints where its admin key is when it starts.</>;
}

export function SignInPage({ onSignedIn, verify = verifyApiKey, locateAdminKey = fetchAdminKeyLocation }: Props) {
  const { signIn, notice } = useAuth();
  const [location, setLocation] = useState<AdminKeyLocation | null>(null);
  useEffect(() => {
    let live = true;
    void locateAdminKey().then((found) => {
      if (live) setLocation(found);
    });
    return () => {
      live = false;
    };
  }, [locateAdminKey]);
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputId = useId();
  const hintId = useId();
  const errorId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = key.trim();
    const formatProblem = checkKeyFormat(trimmed);
    if (formatProblem) {
      setError(formatProblem);
      return;
    }
    setBusy(true);
    setError(null);
    const result = await verify(trimmed);
    setBusy(false);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    signIn(trimmed);
    onSignedIn();
  };

  return (
    <div className="signin">
      <main className="signin-card" id="main">
        <div className="signin-brand" aria-hidden="true">
          <svg viewBox="0 0 32 32" width="40" height="40">
            <rect width="32" height="32" rx="8" fill="currentColor" />
            <path d="M10 23V9h7a5 5 0 0 1 0 10h-7" fill="none" stroke="#fff" strokeWidth="3" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
        </div>
        <h1>Sign in to Paddock</h1>
        <p className="muted">Run AI agents in isolated sandboxes and follow every session live.</p>
        {notice ? (
          <div className="notice notice-warning" role="alert">
            {notice}
          </div>
        ) : null}
        <form onSubmit={(e) => void submit(e)} noValidate>
          <label htmlFor={inputId}>API key</label>
          <input
            id={inputId}
            name="apiKey"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={key}
            onChange={(e) => setKey(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${errorId} ${hintId}` : hintId}
            autoFocus
          />
          {error ? (
            <p id={errorId} className="field-error" role="alert">
              {error}
            </p>
          ) : null}
          <p id={hintId} className="field-hint">
            <AdminKeyHint location={location} /> Create more keys with <code>pnpm paddock keys create</code>. The key stays in this tab only and is forgotten
            when you close it.
          </p>
          <button type="submit" className="button button-primary button-block" disabled={busy}>
            {busy ? 'Checking key…' : 'Sign in'}
          </button>
        </form>
      </main>
    </div>
  );
}
