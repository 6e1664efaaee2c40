// Placeholder until this page is built.
export function KeyPage() {
  return <h1>KeyPage</h1>;
}
