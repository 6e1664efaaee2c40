import type { ReactNode } from 'react';
import { createHashRouter, Navigate, NavLink, Outlet, RouterProvider } from 'react-router';
import type { Schemas } from './api';
import { AccountKeysPage } from './pages/account-keys/AccountKeysPage';
import { AuditLogPage } from './pages/audit/AuditLogPage';
import { EnvironmentPage } from './pages/environments/EnvironmentPage';
import { EnvironmentsPage } from './pages/environments/EnvironmentsPage';
import { GroupsPage } from './pages/people/GroupsPage';
import { RolesPage } from './pages/people/RolesPage';
import { UserPage } from './pages/people/UserPage';
import { UsersPage } from './pages/people/UsersPage';
import { KeyPage } from './pages/keys/KeyPage';
import { PermissionsPage } from './pages/permissions/PermissionsPage';
import { ProfilePage } from './pages/profile/ProfilePage';
import { SecurityPage } from './pages/security/SecurityPage';
import { ApiKeySignInPage } from './pages/sign-in/ApiKeySignInPage';
import { EnrollmentPage } from './pages/sign-in/EnrollmentPage';
import { InvitationPage } from './pages/sign-in/InvitationPage';
import { ResetPasswordConfirmPage, ResetPasswordPage } from './pages/sign-in/ResetPasswordPages';
import { SecondFactorPage } from './pages/sign-in/SecondFactorPage';
import { SignInPage } from './pages/sign-in/SignInPage';
import { SsoPage } from './pages/sign-in/SsoPage';
import { useLoad } from './hooks';
import { API_KEY_SIGN_IN, landing, SIGN_IN, STAGE_ROUTES } from './person/stages';
import type { SessionStage } from './person/wire';
import { type Session, useSession, useSessionState } from './session';

/** Sections, each shown only to a caller (a person, a key) who may read it. */
const SECTIONS = [
  { to: '/environments', label: 'Product environments', action: 'provisioning:sub_accounts.read' },
  { to: '/account-keys', label: 'Account API keys', action: 'provisioning:account_api_keys.read' },
  { to: '/users', label: 'Users', action: 'provisioning:users.read' },
  { to: '/groups', label: 'Groups', action: 'provisioning:user_groups.read' },
  { to: '/roles', label: 'Roles', action: 'provisioning:roles.read' },
  { to: '/security', label: 'Security', action: 'provisioning:security.read' },
  { to: '/audit', label: 'Audit log', action: 'provisioning:audit_events.read' },
];

/** The console itself: only signed in; otherwise the page where the sign-in stands. */
function Layout() {
  const { session, state } = useSessionState();
  return session ? <SignedInLayout /> : <Navigate to={landing(state)} replace />;
}

function SignedInLayout() {
  const { identity, accountId, api, accountPath, can, signOut } = useSession();
  // The account's name needs provisioning:account.read; its id comes with every key and every session.
  const account = useLoad(
    () => (can('provisioning:account.read') ? api.get<Schemas['AccountDto']>(accountPath).catch(() => null) : Promise.resolve(null)),
    [api, accountPath],
  );
  return (
    <div className="layout">
      <header className="topbar">
        <span className="brand">Castellan</span>
        <span className="topbar-account">
          Account {account.data ? <strong>{account.data.name}</strong> : null} <code>{accountId}</code>
        </span>
        {identity.kind === 'key' ? (
          <span className="topbar-key muted">
            Signed in as <strong>{identity.key.name}</strong> (<code>{identity.key.api_key}</code>, {identity.key.kind} key)
          </span>
        ) : (
          <>
            <span className="topbar-key muted">
              Signed in as <strong>{identity.profile.name}</strong> <span className="wrap-anywhere">({identity.profile.email})</span>
            </span>
            <NavLink to="/profile">My profile</NavLink>
          </>
        )}
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <nav aria-label="Sections" className="sidebar">
        <ul>
          {SECTIONS.filter((s) => can(s.action)).map((s) => (
            <li key={s.to}>
              <NavLink to={s.to}>{s.label}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}

/** The first section the session may read; a person who may read none has their profile. */
function home({ identity, can }: Pick<Session, 'identity' | 'can'>): string {
  return SECTIONS.find((s) => can(s.action))?.to ?? (identity.kind === 'person' ? '/profile' : '/environments');
}

function Home() {
  return <Navigate to={home(useSession())} replace />;
}

/** The sign-in forms, for a console signed out; otherwise where it stands. */
function SignedOut({ children }: { children: ReactNode }) {
  const { state } = useSessionState();
  return state.phase === 'signed-out' ? children : <Navigate to={landing(state)} replace />;
}

/** The page of a stage a person's sign-in waits at: only while it waits there. */
function AtStage({ stage, children }: { stage: SessionStage; children: ReactNode }) {
  const { state } = useSessionState();
  return state.phase === 'signing-in' && state.person.stage === stage ? children : <Navigate to={landing(state)} replace />;
}

const router = createHashRouter([
  {
    path: SIGN_IN,
    element: (
      <SignedOut>
        <SignInPage />
      </SignedOut>
    ),
  },
  {
    path: API_KEY_SIGN_IN,
    element: (
      <SignedOut>
        <ApiKeySignInPage />
      </SignedOut>
    ),
  },
  {
    path: `${SIGN_IN}/sso`,
    element: (
      <SignedOut>
        <SsoPage />
      </SignedOut>
    ),
  },
  {
    path: STAGE_ROUTES.second_factor,
    element: (
      <AtStage stage="second_factor">
        <SecondFactorPage />
      </AtStage>
    ),
  },
  {
    path: STAGE_ROUTES.enrollment,
    element: (
      <AtStage stage="enrollment">
        <EnrollmentPage />
      </AtStage>
    ),
  },
  // Links from mails: they work whatever the console stands at.
  { path: '/reset-password', element: <ResetPasswordPage /> },
  { path: '/reset-password/:token', element: <ResetPasswordConfirmPage /> },
  { path: '/invitation/:token', element: <InvitationPage /> },
  {
    path: '/',
    element: <Layout />,
    children: [
      { index: true, element: <Home /> },
      { path: 'environments', element: <EnvironmentsPage /> },
      { path: 'environments/:envId', element: <EnvironmentPage /> },
      { path: 'environments/:envId/keys/:apiKey', element: <KeyPage /> },
      { path: 'environments/:envId/keys/:apiKey/permissions', element: <PermissionsPage /> },
      { path: 'account-keys', element: <AccountKeysPage /> },
      { path: 'account-keys/:apiKey/permissions', element: <PermissionsPage /> },
      { path: 'users', element: <UsersPage /> },
      { path: 'users/:userId', element: <UserPage /> },
      { path: 'groups', element: <GroupsPage /> },
      { path: 'roles', element: <RolesPage /> },
      { path: 'security', element: <SecurityPage /> },
      { path: 'audit', element: <AuditLogPage /> },
      { path: 'profile', element: <ProfilePage /> },
      { path: '*', element: <p>This page does not exist.</p> },
    ],
  },
]);

export function App() {
  return <RouterProvider router={router} />;
}
