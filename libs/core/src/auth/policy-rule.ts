/**
 * One rule of a key's policy: allow or deny some actions, optionally only for resources matching the
 * conditions (MongoDB-style, over the attributes the actions declare). Validated by libs/permissions.
 */
export interface PolicyRule {
  effect: 'allow' | 'deny';
  actions: string[];
  /** Attribute name to a value or an object of operators; typed loosely because TypeORM cannot recurse into JSON types. */
  conditions?: { [attribute: string]: string | number | boolean | null | object };
}
