import type { ActionDefinition, ActionScope, AttributeDefinition, PermissionPlugin } from './permission-plugin.js';

export interface CatalogAction {
  /** `<plugin>:<action>` */
  name: string;
  plugin: string;
  description: string;
  attributes: AttributeDefinition[];
  scope: ActionScope;
}

const PLUGIN_NAME = /^[a-z][a-z0-9_]*$/;
const ACTION_NAME = /^[a-z_]+(\.[a-z_]+)*$/;

/** Every action of every registered plugin, and the wildcards that select them. */
export class PermissionCatalog {
  private readonly byName = new Map<string, CatalogAction>();
  private readonly byPlugin = new Map<string, CatalogAction[]>();
  private readonly everything: readonly CatalogAction[];

  constructor(readonly plugins: readonly PermissionPlugin[]) {
    for (const plugin of plugins) {
      if (!PLUGIN_NAME.test(plugin.name)) throw new Error(`Permission plugin name "${plugin.name}" must match ${PLUGIN_NAME}`);
      if (this.byPlugin.has(plugin.name)) throw new Error(`Permission plugin "${plugin.name}" is registered twice`);
      this.byPlugin.set(
        plugin.name,
        plugin.actions.map((a) => this.register(plugin, a)),
      );
    }
    this.everything = Object.freeze([...this.byName.values()]);
  }

  private register(plugin: PermissionPlugin, action: ActionDefinition): CatalogAction {
    if (!ACTION_NAME.test(action.name)) throw new Error(`Action "${plugin.name}:${action.name}" must match ${ACTION_NAME}`);
    const name = `${plugin.name}:${action.name}`;
    if (this.byName.has(name)) throw new Error(`Action "${name}" is declared twice`);
    const entry = {
      name,
      plugin: plugin.name,
      description: action.description,
      attributes: action.attributes,
      scope: action.scope ?? 'environment',
    };
    this.byName.set(name, entry);
    return entry;
  }

  get(action: string): CatalogAction | undefined {
    return this.byName.get(action);
  }

  /** Every action, in the order the plugins declare them. */
  all(): readonly CatalogAction[] {
    return this.everything;
  }

  /** The actions a pattern names: `*`, `<plugin>:*` or one action; undefined when it names nothing known. */
  expand(pattern: string): CatalogAction[] | undefined {
    if (pattern === '*') return [...this.everything];
    if (pattern.endsWith(':*')) return this.byPlugin.get(pattern.slice(0, -2));
    const action = this.byName.get(pattern);
    return action && [action];
  }
}
