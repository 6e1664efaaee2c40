import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { type Api, ApiError, type BodyOf, type Credentials, createApi, type KeySelf, type Schemas } from './api';

/** Kept in sessionStorage only: gone when the tab closes, never in localStorage or a cookie. */
const STORAGE_KEY = 'castellan.console.credentials';

export interface Session {
  self: KeySelf;
  api: Api;
  /** `/v1_1/provisioning/accounts/<account id>` */
  accountPath: string;
  /**
   * Whether the signed-in key may perform the action, as Castellan decided when the session began (conditions
   * on a resource are decided by each call; the API stays the authority).
   */
  can(action: string): boolean;
  signOut(): void;
}

interface SessionState {
  session: Session | null;
  signIn(credentials: Credentials): Promise<void>;
}

/** What a session starts from: the key, and which of Castellan's own actions it may perform. */
export interface SessionStart {
  credentials: Credentials;
  self: KeySelf;
  allowed: string[];
}

type Check = BodyOf<'DecisionController_authorizeBatch'>['checks'][number];
type Decision = Schemas['DecisionDto'];

/** Castellan's decisions for the checks, in order, a batch at a time. */
async function decide(api: Api, checks: Check[]): Promise<Decision[]> {
  const decisions: Decision[] = [];
  for (let i = 0; i < checks.length; i += MAX_BATCH) {
    const { results } = await api.post<Schemas['BatchDecisionDto']>('/v1_1/authorize/batch', { checks: checks.slice(i, i + MAX_BATCH) });
    decisions.push(...results);
  }
  return decisions;
}

/** What a refused sign-in says: Castellan's own "Invalid credentials" does not tell which part to check, on purpose. */
export const WRONG_CREDENTIALS = 'Wrong access key or secret, or the key is disabled or has expired.';

/** Castellan's limit on one /v1_1/authorize/batch call. */
const MAX_BATCH = 100;

/**
 * Reads the key (`/v1_1/keys/self`) and asks Castellan's decision API which Provisioning API actions it may
 * perform: the engine decides, so a user key's roles and groups count exactly as on every other call.
 */
export async function startSession(credentials: Credentials): Promise<SessionStart> {
  const api = createApi(credentials);
  const reads = Promise.all([api.get<KeySelf>('/v1_1/keys/self'), api.get<Schemas['CatalogDto']>('/v1_1/permissions/catalog')]);
  const [self, catalog] = await reads.catch((e: unknown) => {
    throw e instanceof ApiError && e.status === 401 ? new ApiError(401, WRONG_CREDENTIALS) : e;
  });
  if (self.kind === 'environment') {
    throw new ApiError(
      403,
      'This is an environment key, which works inside its environment only. Sign in with an account API key or a user API key.',
    );
  }
  const actions = catalog.plugins.filter((p) => p.name === 'provisioning').flatMap((p) => p.actions);
  const first = await decide(
    api,
    actions.map(({ name }) => ({ action: name })),
  );
  const allowed = actions.filter((_, i) => first[i]?.allowed).map((a) => a.name);
  // A user limited to some environments must name one for an environment action: ask again in the first it lists.
  // The pages then follow what it may do there, and each call is decided where it lands.
  const placed = actions.filter((a, i) => a.scope === 'environment' && first[i]?.reason === 'WRONG_ENVIRONMENT');
  if (placed.length) {
    const reached = await api
      .get<Schemas['EnvironmentListDto']>(`/v1_1/provisioning/accounts/${encodeURIComponent(self.account_id)}/sub_accounts`)
      .catch(() => ({ sub_accounts: [] }));
    const where = reached.sub_accounts[0]?.cloud_name;
    if (where) {
      const second = await decide(
        api,
        placed.map(({ name }) => ({ action: name, cloud_name: where })),
      );
      allowed.push(...placed.filter((_, i) => second[i]?.allowed).map((a) => a.name));
    }
  }
  return { credentials, self, allowed };
}

const SessionContext = createContext<SessionState | null>(null);

export function readStoredCredentials(): Credentials | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    const parsed = raw ? (JSON.parse(raw) as Partial<Credentials>) : null;
    return parsed && typeof parsed.apiKey === 'string' && typeof parsed.secret === 'string'
      ? { apiKey: parsed.apiKey, secret: parsed.secret }
      : null;
  } catch {
    return null;
  }
}

export function SessionProvider({ children, initial }: { children: ReactNode; initial: SessionStart | null }) {
  const [state, setState] = useState(initial);

  const signOut = useCallback(() => {
    sessionStorage.removeItem(STORAGE_KEY);
    setState(null);
  }, []);

  const signIn = useCallback(async (credentials: Credentials) => {
    const start = await startSession(credentials);
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
    setState(start);
  }, []);

  const session = useMemo<Session | null>(() => {
    if (!state) return null;
    const { credentials, self } = state;
    const allowed = new Set(state.allowed);
    return {
      self,
      api: createApi(credentials),
      accountPath: `/v1_1/provisioning/accounts/${self.account_id}`,
      can: (action) => allowed.has(action),
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
