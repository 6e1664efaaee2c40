export * from './decisions.module.js';
export * from './dto/decision.dto.js';
