export * from './access-keys.module.js';
export * from './account-api-key.service.js';
export * from './key-recovery.service.js';
export * from './dto/access-key.dto.js';
export * from './dto/permissions.dto.js';
