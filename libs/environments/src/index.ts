export type { EnvironmentEntity } from './environment.entity.js';
export * from './environment-directory.js';
export * from './environments.module.js';
export * from './dto/environment.dto.js';
export { environmentVariable } from './environment.service.js';
