// Placeholder until this page is built.
export function SecurityPage() {
  return <h1>SecurityPage</h1>;
}
