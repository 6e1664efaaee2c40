// Placeholder until this page is built.
export function EnvironmentsPage() {
  return <h1>EnvironmentsPage</h1>;
}
