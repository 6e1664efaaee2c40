export * from './access-keys.module.js';
export * from './access-key.controller.js';
export * from './access-key.service.js';
export * from './account-api-key.controller.js';
export * from './account-api-key.service.js';
export * from './dto/access-key.dto.js';
export * from './dto/permissions.dto.js';
export * from './key-permissions.service.js';
