import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Provider as UrqlProvider } from 'urql';
import type { Client as WsClient } from 'graphql-ws';
import { clearApiKey, readApiKey, writeApiKey } from '../lib/auth/storage.ts';
import { createApiClients } from '../lib/graphql/client.ts';

type Auth = {
  apiKey: string | null;
  /** Why the person was signed out (shown on the sign-in page), if not by choice. */
  notice: string | null;
  signIn: (key: string) => void;
  signOut: (notice?: string) => void;
};

const AuthContext = createContext<Auth | null>(null);
const WsContext = createContext<WsClient | null>(null);

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth must be used inside <AuthProvider>');
  return auth;
}

/** The graphql-ws client of the signed-in key, for the session event stream. */
export function useWsClient(): WsClient {
  const ws = useContext(WsContext);
  if (!ws) throw new Error('useWsClient must be used inside <AuthProvider> while signed in');
  return ws;
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [apiKey, setApiKey] = useState<string | null>(() => readApiKey());
  const [notice, setNotice] = useState<string | null>(null);

  const signIn = useCallback((key: string) => {
    writeApiKey(key);
    setNotice(null);
    setApiKey(key);
  }, []);

  const signOut = useCallback((why?: string) => {
    clearApiKey();
    setNotice(why ?? null);
    setApiKey(null);
  }, []);

  const clients = useMemo(
    () =>
      apiKey ? createApiClients(apiKey, () => signOut('Paddock no longer accepts your API key; it may have been revoked. Sign in with a valid key.')) : null,
    [apiKey, signOut],
  );
  useEffect(() => () => clients?.dispose(), [clients]);

  const auth = useMemo(() => ({ apiKey, notice, signIn, signOut }), [apiKey, notice, signIn, signOut]);
  return (
    <AuthContext.Provider value={auth}>
      {clients ? (
        <UrqlProvider value={clients.urql}>
          <WsContext.Provider value={clients.ws}>{children}</WsContext.Provider>
        </UrqlProvider>
      ) : (
        children
      )}
    </AuthContext.Provider>
  );
}
