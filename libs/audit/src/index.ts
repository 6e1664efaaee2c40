export * from './audit-id.js';
export * from './audit-route.js';
export * from './audit-recorder.js';
export * from './audit.module.js';
export * from './dto/audit-event.dto.js';
