import type { AttributeDefinition } from '../permission-plugin.js';

/** Attributes shared by many actions, defined once so their names and meanings cannot drift apart. */
export const ATTR = {
  resource_type: { name: 'resource_type', type: 'string', description: 'image, video or raw' },
  type: { name: 'type', type: 'string', description: 'Delivery type: upload, private, authenticated, …' },
  public_id: { name: 'public_id', type: 'string', description: 'The asset public id' },
  folder: { name: 'folder', type: 'string', description: 'The asset folder (or asset_folder in dynamic folder mode)' },
  tags: { name: 'tags', type: 'string[]', description: 'The asset tags' },
  asset_id: { name: 'asset_id', type: 'string', description: 'The immutable asset id' },
} satisfies Record<string, AttributeDefinition>;
