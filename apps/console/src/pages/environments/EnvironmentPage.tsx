// Placeholder until this page is built.
export function EnvironmentPage() {
  return <h1>EnvironmentPage</h1>;
}
