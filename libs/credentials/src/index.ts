export * from './api-key.entity.js';
export * from './api-key.repository.js';
export * from './key-issuer.js';
export * from './credential-verifier.js';
export * from './credentials.module.js';
export * from './last-use.recorder.js';
export * from './key-principals.js';
