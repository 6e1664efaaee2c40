export * from './account.entity.js';
export * from './system-event.entity.js';
export * from './account.repository.js';
export * from './account.service.js';
export * from './accounts.module.js';
export * from './account.controller.js';
export * from './dto/account.dto.js';
