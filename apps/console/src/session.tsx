import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { type Api, ApiError, type BodyOf, type Credentials, createApi, type KeySelf, type Schemas } from './api';
import { landing } from './person/stages';
import { followTheme } from './person/theme';
import type { CurrentSession, Profile } from './person/wire';

/** Kept in sessionStorage only: gone when the tab closes, never in localStorage or a cookie. */
const STORAGE_KEY = 'castellan.console.credentials';

/** Who the console acts as: an API key (HTTP Basic), or a person (the session cookie, which the console never sees). */
export type Identity = { kind: 'key'; key: KeySelf } | { kind: 'person'; person: CurrentSession; profile: Profile };

export interface Session {
  identity: Identity;
  accountId: string;
  /** The api_key the console signs in with; null for a person, who holds none. */
  signedInKey: string | null;
  api: Api;
  /** `/v1_1/provisioning/accounts/<account id>` */
  accountPath: string;
  /**
   * Whether the key or the person may perform the action, as Castellan decided when the session began (conditions
   * on a resource are decided by each call; the API stays the authority).
   */
  can(action: string): boolean;
  signOut(): Promise<void>;
  /** A person's profile as `PUT /v1_1/me` answered it: the top bar and the theme follow it at once. */
  profileChanged(profile: Profile): void;
}

/** What a session starts from: the key or the person, and which of Castellan's own actions it may perform. */
export type SessionStart =
  | { kind: 'key'; credentials: Credentials; self: KeySelf; allowed: string[] }
  | { kind: 'person'; person: CurrentSession; profile: Profile; allowed: string[] };

/** Where the console stands: signed out (after a key or a person), a person's sign-in waiting at a stage, signed in. */
export type ConsoleState =
  | { phase: 'signed-out'; via: 'person' | 'key'; notice?: string }
  | { phase: 'signing-in'; person: CurrentSession }
  | { phase: 'signed-in'; start: SessionStart };

interface SessionState {
  state: ConsoleState;
  session: Session | null;
  signInWithKey(credentials: Credentials): Promise<void>;
  /**
   * After a sign-in route answered for a person (a password, a second factor, an accepted invitation, an enrollment
   * done): reads how far the session got and moves there. Answers the route of that stage.
   */
  continueAsPerson(): Promise<string>;
  /** Ends the session, or a person's sign-in waiting at a stage. */
  signOut(): Promise<void>;
}

/** The routes of signing in, with the browser's session cookie (if any) and no key. */
export const publicApi = createApi(null);

/** What the sign-in page says after a person's session ended elsewhere (idle, ended, the user disabled, a policy). */
export const SESSION_ENDED = 'Your session has ended. Sign in again.';

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

type Catalog = Schemas['CatalogDto'];
const CATALOG = '/v1_1/permissions/catalog';

/** Castellan's limit on one /v1_1/authorize/batch call. */
const MAX_BATCH = 100;

/** Reads the key (`/v1_1/keys/self`) and which Provisioning API actions it may perform. */
export async function startKeySession(credentials: Credentials): Promise<SessionStart> {
  const api = createApi(credentials);
  const reads = Promise.all([api.get<KeySelf>('/v1_1/keys/self'), api.get<Catalog>(CATALOG)]);
  const [self, catalog] = await reads.catch((e: unknown) => {
    throw e instanceof ApiError && e.status === 401 ? new ApiError(401, WRONG_CREDENTIALS) : e;
  });
  if (self.kind === 'environment') {
    throw new ApiError(
      403,
      'This is an environment key, which works inside its environment only. Sign in with an account API key or a user API key.',
    );
  }
  return { kind: 'key', credentials, self, allowed: await allowedActions(api, self.account_id, catalog) };
}

/** A person's session at stage full: their profile (its theme shows at once) and which actions they may perform. */
async function startPersonSession(api: Api, person: CurrentSession): Promise<SessionStart> {
  const [profile, allowed] = await Promise.all([
    api.get<Profile>('/v1_1/me'),
    api.get<Catalog>(CATALOG).then((catalog) => allowedActions(api, person.account_id, catalog)),
  ]);
  return { kind: 'person', person, profile, allowed };
}

/** The console's state for the session cookie the browser holds; a 401 when it holds none that is live. */
async function personState(api: Api): Promise<ConsoleState> {
  const person = await api.get<CurrentSession>('/v1_1/session');
  if (person.stage !== 'full') return { phase: 'signing-in', person };
  return { phase: 'signed-in', start: await startPersonSession(api, person) };
}

/**
 * The state a console opens in: the person the browser's cookie signs in first, then the key this tab signed in
 * with. Either is checked again before use: the session may have ended, the key been disabled meanwhile.
 */
export async function initialState(): Promise<ConsoleState> {
  try {
    return await personState(publicApi);
  } catch {
    // No live session: the key, if this tab holds one.
  }
  const credentials = readStoredCredentials();
  if (!credentials) return { phase: 'signed-out', via: 'person' };
  try {
    return { phase: 'signed-in', start: await startKeySession(credentials) };
  } catch {
    return { phase: 'signed-out', via: 'key' };
  }
}

/**
 * Asks Castellan's decision API which Provisioning API actions the caller may perform: the engine decides, so a
 * user's roles and groups count exactly as on every other call, for a key of theirs or for themselves.
 */
async function allowedActions(api: Api, accountId: string, catalog: Catalog): Promise<string[]> {
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
      .get<Schemas['EnvironmentListDto']>(`/v1_1/provisioning/accounts/${encodeURIComponent(accountId)}/sub_accounts`)
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
  return allowed;
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

const profileOf = (state: ConsoleState): Profile | null =>
  state.phase === 'signed-in' && state.start.kind === 'person' ? state.start.profile : null;

export function SessionProvider({ children, initial }: { children: ReactNode; initial: ConsoleState }) {
  const [state, setState] = useState(initial);
  // Apart from the state, so that a changed profile leaves the session's api, and what pages loaded with it, alone.
  const [profile, setProfile] = useState(() => profileOf(initial));
  const enter = useCallback((next: ConsoleState) => {
    setState(next);
    setProfile(profileOf(next));
  }, []);

  const signOut = useCallback(async () => {
    if (state.phase === 'signed-in' && state.start.kind === 'key') {
      sessionStorage.removeItem(STORAGE_KEY);
      return enter({ phase: 'signed-out', via: 'key' });
    }
    // Awaited: its answer clears the cookie, which must not land after the next sign-in has set a new one.
    await publicApi.post('/v1_1/sign-out').catch(() => undefined);
    enter({ phase: 'signed-out', via: 'person' });
  }, [state, enter]);

  const signInWithKey = useCallback(
    async (credentials: Credentials) => {
      const start = await startKeySession(credentials);
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
      enter({ phase: 'signed-in', start });
    },
    [enter],
  );

  const continueAsPerson = useCallback(async () => {
    const next = await personState(publicApi);
    // The cookie now decides; a key this tab held must not come back on the next load.
    sessionStorage.removeItem(STORAGE_KEY);
    enter(next);
    return landing(next);
  }, [enter]);

  const start = state.phase === 'signed-in' ? state.start : null;
  const core = useMemo(() => {
    if (!start) return null;
    const allowed = new Set(start.allowed);
    const accountId = start.kind === 'key' ? start.self.account_id : start.person.account_id;
    // Only this session is left: a later one has nothing to do with its calls.
    const leave = (next: ConsoleState) => setState((s) => (s.phase === 'signed-in' && s.start === start ? next : s));
    // A 401 to a person's call may refuse what it sent (a wrong code): the session is over only when Castellan no
    // longer knows it. One sent back to a stage (the account came to require two-factor) goes to that stage's page.
    const recheck = () =>
      void publicApi.get<CurrentSession>('/v1_1/session').then(
        (person) => person.stage !== 'full' && leave({ phase: 'signing-in', person }),
        (error: unknown) =>
          error instanceof ApiError && error.status === 401 && leave({ phase: 'signed-out', via: 'person', notice: SESSION_ENDED }),
      );
    return {
      accountId,
      signedInKey: start.kind === 'key' ? start.self.api_key : null,
      api: start.kind === 'key' ? createApi(start.credentials) : createApi(null, recheck),
      accountPath: `/v1_1/provisioning/accounts/${accountId}`,
      can: (action: string) => allowed.has(action),
    };
  }, [start]);

  const session = useMemo<Session | null>(() => {
    if (!core || !start) return null;
    const identity: Identity =
      start.kind === 'key' ? { kind: 'key', key: start.self } : { kind: 'person', person: start.person, profile: profile ?? start.profile };
    return { ...core, identity, signOut, profileChanged: setProfile };
  }, [core, start, profile, signOut]);

  // Only a person has a theme; the sign-in pages and a key's console stay light, as they always were.
  const theme = session?.identity.kind === 'person' ? session.identity.profile.theme : 'light';
  useEffect(() => followTheme(theme), [theme]);

  const value = useMemo(
    () => ({ state, session, signInWithKey, continueAsPerson, signOut }),
    [state, session, signInWithKey, continueAsPerson, signOut],
  );
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
