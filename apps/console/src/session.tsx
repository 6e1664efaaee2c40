import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { type Api, type Credentials, createApi, type KeySelf } from './api';
import { mayPerform } from './rules';

/** Kept in sessionStorage only: gone when the tab closes, never in localStorage or a cookie. */
const STORAGE_KEY = 'castellan.console.credentials';

export interface Session {
  self: KeySelf;
  api: Api;
  /** `/v1_1/provisioning/accounts/<account id>` */
  accountPath: string;
  /** Whether the signed-in key's rules allow the action; the API stays the authority. */
  can(action: string): boolean;
  signOut(): void;
}

interface SessionState {
  session: Session | null;
  signIn(credentials: Credentials): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function readStoredCredentials(): Credentials | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    const parsed = raw ? (JSON.parse(raw) as Partial<Credentials>) : null;
    return parsed && typeof parsed.apiKey === 'string' && typeof parsed.secret === 'string' ? { apiKey: parsed.apiKey, secret: parsed.secret } : null;
  } catch {
    return null;
  }
}

export function SessionProvider({ children, initial }: { children: ReactNode; initial: { credentials: Credentials; self: KeySelf } | null }) {
  const [state, setState] = useState(initial);

  const signOut = useCallback(() => {
    sessionStorage.removeItem(STORAGE_KEY);
    setState(null);
  }, []);

  const signIn = useCallback(async (credentials: Credentials) => {
    const self = await createApi(credentials).get<KeySelf>('/v1_1/keys/self');
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
    setState({ credentials, self });
  }, []);

  const session = useMemo<Session | null>(() => {
    if (!state) return null;
    const { credentials, self } = state;
    return {
      self,
      api: createApi(credentials),
      accountPath: `/v1_1/provisioning/accounts/${self.account_id}`,
      can: (action) => mayPerform(self.rules, action),
      signOut,
    };
  }, [state, signOut]);

  const value = useMemo(() => ({ session, signIn }), [session, signIn]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSessionState(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSessionState outside SessionProvider');
  return state;
}

/** The signed-in session; pages render only inside it. */
export function useSession(): Session {
  const { session } = useSessionState();
  if (!session) throw new Error('useSession without a session');
  return session;
}
