export * from './limiter-store.js';
export * from './auth-throttle.js';
export * from './request-limiter.js';
export * from './key-rate-limiter.js';
export * from './throttling.module.js';
