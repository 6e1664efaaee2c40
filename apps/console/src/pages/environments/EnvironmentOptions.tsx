/** The `<option>`s of a product environment picker: name and cloud name, valued by id. */
export function EnvironmentOptions({ environments }: { environments: { id: string; name: string; cloud_name: string }[] }) {
  return (
    <>
      {environments.map((env) => (
        <option key={env.id} value={env.id}>
          {env.name} ({env.cloud_name})
        </option>
      ))}
    </>
  );
}
