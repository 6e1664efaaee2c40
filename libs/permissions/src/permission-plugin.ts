/** The type of a resource attribute, which decides the operators a condition may apply to it. */
export type AttributeType = 'string' | 'number' | 'boolean' | 'string[]';

export interface AttributeDefinition {
  name: string;
  type: AttributeType;
  description: string;
}

export interface ActionDefinition {
  /** The action's name within its plugin, e.g. `destroy` or `resources.delete`. */
  name: string;
  description: string;
  /** The resource attributes a rule's conditions may use for this action. */
  attributes: AttributeDefinition[];
}

/**
 * A catalogue of actions. Actions are addressed as `<plugin>:<action>`; adding a plugin needs no change
 * to the engine.
 */
export interface PermissionPlugin {
  /** Lower-case letters, digits and `_`: the prefix of its actions (`upload` in `upload:destroy`). */
  name: string;
  title: string;
  description: string;
  actions: ActionDefinition[];
}
