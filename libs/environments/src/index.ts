export * from './environment.entity.js';
export * from './environment.repository.js';
export * from './environment.service.js';
export * from './environment.controller.js';
export * from './environments.module.js';
export * from './dto/environment.dto.js';
