import { PermissionCatalog } from './catalog.js';
import type { AttributeDefinition, AttributeType, PermissionPlugin } from './permission-plugin.js';

const attr = (name: string, type: AttributeType): AttributeDefinition => ({ name, type, description: name });

/** A tiny hand-written catalogue, so these tests do not depend on the real ones. */
const files: PermissionPlugin = {
  name: 'files',
  title: 'Files',
  description: 'test plugin',
  actions: [
    {
      name: 'read',
      description: 'read a file',
      attributes: [attr('folder', 'string'), attr('tags', 'string[]'), attr('size', 'number'), attr('public', 'boolean')],
    },
    { name: 'write', description: 'write a file', attributes: [attr('folder', 'string'), attr('tags', 'string[]')] },
    { name: 'delete', description: 'delete a file', attributes: [attr('folder', 'string')] },
  ],
};
const adminX: PermissionPlugin = {
  name: 'admin_x',
  title: 'Admin',
  description: 'test plugin',
  actions: [{ name: 'ping', description: 'ping', attributes: [] }],
};
const provisioning: PermissionPlugin = {
  name: 'provisioning',
  title: 'Provisioning',
  description: 'test plugin',
  actions: [{ name: 'thing.read', description: 'read a thing', attributes: [] }],
};
export const catalog = new PermissionCatalog([files, adminX, provisioning]);
