/** The type of a resource attribute, which decides the operators a condition may apply to it. */
export type AttributeType = 'string' | 'number' | 'boolean' | 'string[]';

export interface AttributeDefinition {
  name: string;
  type: AttributeType;
  description: string;
}

/**
 * Where an action acts. `environment`: inside one product environment, so that whoever holds it holds it only in
 * the environments it reaches (an environment key in its own, a user in those it is limited to). `account`: on the
 * account as a whole, wherever the caller reaches.
 */
export type ActionScope = 'environment' | 'account';

export interface ActionDefinition {
  /** The action's name within its plugin, e.g. `destroy` or `resources.delete`. */
  name: string;
  description: string;
  /** The resource attributes a rule's conditions may use for this action. */
  attributes: AttributeDefinition[];
  /** `environment` when absent: plugins describe what happens inside product environments. */
  scope?: ActionScope;
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
