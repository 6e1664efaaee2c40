// Placeholder until this page is built.
export function AuditLogPage() {
  return <h1>AuditLogPage</h1>;
}
