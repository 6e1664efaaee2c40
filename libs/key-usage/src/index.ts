export * from './key-usage-hour.entity.js';
export * from './key-usage.repository.js';
export * from './key-usage.recorder.js';
export * from './key-usage.service.js';
export * from './access-key-usage.controller.js';
export * from './account-api-key-usage.controller.js';
export * from './key-usage.module.js';
export * from './dto/key-usage.dto.js';
