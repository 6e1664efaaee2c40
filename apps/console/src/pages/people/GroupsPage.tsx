// Placeholder until this page is built.
export function GroupsPage() {
  return <h1>GroupsPage</h1>;
}
