export { HOUR_MS } from './key-usage.recorder.js';
export * from './key-usage.module.js';
export * from './dto/key-usage.dto.js';
