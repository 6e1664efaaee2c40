export * from './decisions.module.js';
export * from './decision.service.js';
export * from './decision.controller.js';
export * from './simulation.controller.js';
export * from './dto/decision.dto.js';
