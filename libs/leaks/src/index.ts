export * from './leaks.module.js';
export * from './leak.service.js';
export * from './dto/leak-report.dto.js';
