import { adminPlugin } from './plugins/admin.plugin.js';
import { provisioningPlugin } from './plugins/provisioning.plugin.js';
import { uploadPlugin } from './plugins/upload.plugin.js';

export * from './permission-plugin.js';
export * from './catalog.js';
export * from './policy-validator.js';
export * from './compiled-policy.js';
export * from './key-policies.js';
export * from './policy-compiler.js';
export * from './permissions.module.js';
export * from './plugin-loader.js';
export { adminPlugin, provisioningPlugin, uploadPlugin };

export const BUILTIN_PLUGINS = [provisioningPlugin, uploadPlugin, adminPlugin];
export * from './resource-validator.js';
export * from './system-roles.js';
export * from './principal-policy.js';
export * from './holdings.js';
export * from './rules.field.js';
