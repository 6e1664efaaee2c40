// Placeholder until this page is built.
export function AccountKeysPage() {
  return <h1>AccountKeysPage</h1>;
}
