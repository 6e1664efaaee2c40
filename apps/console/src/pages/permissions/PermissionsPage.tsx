// Placeholder until this page is built.
export function PermissionsPage() {
  return <h1>PermissionsPage</h1>;
}
