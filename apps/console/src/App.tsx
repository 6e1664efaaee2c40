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
import { SecurityPage } from './pages/security/SecurityPage';
import { SignInPage } from './pages/SignInPage';
import { useLoad } from './hooks';
import { useSession, useSessionState } from './session';

/** Sections, each shown only to a key whose rules allow reading it. */
const SECTIONS = [
  { to: '/environments', label: 'Product environments', action: 'provisioning:sub_accounts.read' },
  { to: '/account-keys', label: 'Account API keys', action: 'provisioning:account_api_keys.read' },
  { to: '/users', label: 'Users', action: 'provisioning:users.read' },
  { to: '/groups', label: 'Groups', action: 'provisioning:user_groups.read' },
  { to: '/roles', label: 'Roles', action: 'provisioning:roles.read' },
  { to: '/security', label: 'Security', action: 'provisioning:security.read' },
  { to: '/audit', label: 'Audit log', action: 'provisioning:audit_events.read' },
];

function Layout() {
  const { self, api, accountPath, can, signOut } = useSession();
  // The account's name needs provisioning:account.read; its id comes with every key.
  const account = useLoad(
    () => (can('provisioning:account.read') ? api.get<Schemas['AccountDto']>(accountPath).catch(() => null) : Promise.resolve(null)),
    [api, accountPath],
  );
  return (
    <div className="layout">
      <header className="topbar">
        <span className="brand">Castellan</span>
        <span className="topbar-account">
          Account {account.data ? <strong>{account.data.name}</strong> : null} <code>{self.account_id}</code>
        </span>
        <span className="topbar-key muted">
          Signed in as <strong>{self.name}</strong> (<code>{self.api_key}</code>, {self.kind} key)
        </span>
        <button type="button" onClick={signOut}>
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

const router = createHashRouter([
  {
    path: '/',
    element: <Layout />,
    children: [
      { index: true, element: <Navigate to="/environments" replace /> },
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
      { path: '*', element: <p>This page does not exist.</p> },
    ],
  },
]);

export function App() {
  const { session } = useSessionState();
  return session ? <RouterProvider router={router} /> : <SignInPage />;
}
