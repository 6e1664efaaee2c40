import { AppError } from '@castellan/core';
import type { CatalogAction } from './catalog.js';
import type { AttributeType } from './permission-plugin.js';

const matchesType: Record<AttributeType, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  boolean: (v) => typeof v === 'boolean',
  'string[]': (v) => Array.isArray(v) && v.every((item) => typeof item === 'string'),
};

/**
 * A decision's resource must give each attribute the action declares in its declared type (or null): rule
 * conditions compare by type, and a string where a number belongs must not slip past `$lte`. Attributes the
 * action does not declare are ignored, as no condition can name them.
 */
export function validateResource(action: CatalogAction, resource: Record<string, unknown> | undefined, field = 'resource'): void {
  if (!resource) return;
  for (const attribute of action.attributes) {
    const value = resource[attribute.name];
    if (value === undefined || value === null) continue;
    if (!matchesType[attribute.type](value)) {
      throw AppError.invalid(`${field}.${attribute.name} must be a ${attribute.type} for ${action.name}`);
    }
  }
}
