/**
 * The catalogue (`GET /v1_1/permissions/catalog`) as the editor shows it: the plugins and actions a kind of key may
 * hold, the patterns that have a row, and the attributes conditions over them may use.
 */
import type { KeyKind, Schemas } from '../../api';
import { covers } from '../../rules';

export type Catalog = Schemas['CatalogDto'];
export type CatalogPlugin = Schemas['CatalogPluginDto'];
export type CatalogAction = Schemas['CatalogActionDto'];
export type CatalogAttribute = Schemas['CatalogAttributeDto'];
export type AttributeType = CatalogAttribute['type'];

/** The prefixes of the actions a key of this kind never holds (the API refuses rules that name them). */
export const excludedPrefixes = (catalog: Catalog, kind: KeyKind): string[] =>
  catalog.key_kinds.find((k) => k.kind === kind)?.excluded_prefixes ?? [];

/** The actions a key of this kind may hold, by plugin in catalogue order; a plugin left with none is not shown. */
export function pluginsFor(catalog: Catalog, kind: KeyKind): CatalogPlugin[] {
  const excluded = excludedPrefixes(catalog, kind);
  const held = (action: CatalogAction) => !excluded.some((prefix) => action.name.startsWith(prefix));
  return catalog.plugins.flatMap((p) => {
    const actions = p.actions.filter(held);
    if (actions.length === 0) return [];
    return [actions.length === p.actions.length ? p : { ...p, actions }];
  });
}

export const GLOBAL = '*';
export const wildcardOf = (plugin: string): string => `${plugin}:*`;
export const pluginOf = (action: string): string => action.slice(0, Math.max(0, action.indexOf(':')));

/** Every pattern that has a row, in display order: `*`, then per plugin its wildcard and its actions. */
export function patternsOf(plugins: readonly CatalogPlugin[]): string[] {
  return [GLOBAL, ...plugins.flatMap((p) => [wildcardOf(p.name), ...p.actions.map((a) => a.name)])];
}

/** The catalogue's actions a pattern selects (`*`, `<plugin>:*` or one action); empty when it names none of them. */
export function expandPattern(pattern: string, plugins: readonly CatalogPlugin[]): CatalogAction[] {
  return plugins.flatMap((p) => p.actions).filter((a) => covers(pattern, a.name));
}

/** The attributes every action declares with the same type: the only ones a rule over all of them may use. */
export function commonAttributes(actions: readonly CatalogAction[]): CatalogAttribute[] {
  const [first, ...rest] = actions;
  if (!first) return [];
  return first.attributes.filter((attribute) =>
    rest.every((a) => a.attributes.some((b) => b.name === attribute.name && b.type === attribute.type)),
  );
}

/** The attributes a rule naming these patterns may put conditions on. */
export function attributesForPatterns(patterns: readonly string[], plugins: readonly CatalogPlugin[]): CatalogAttribute[] {
  const seen = new Map<string, CatalogAction>();
  for (const pattern of patterns) for (const action of expandPattern(pattern, plugins)) seen.set(action.name, action);
  return commonAttributes([...seen.values()]);
}

/** The catalogue's type of each attribute of the actions these patterns cover. */
export function attributeTypes(
  patterns: readonly string[],
  plugins: readonly CatalogPlugin[],
): (attribute: string) => AttributeType | undefined {
  const types = new Map<string, AttributeType>();
  for (const pattern of patterns)
    for (const action of expandPattern(pattern, plugins))
      for (const a of action.attributes) if (!types.has(a.name)) types.set(a.name, a.type);
  return (attribute) => types.get(attribute);
}
