export * from './sign-in.module.js';
export * from './sessions/sessions.module.js';
export * from './sessions/dto/session.dto.js';
export * from './sessions/dto/sign-in.dto.js';
export * from './passwords/password-policy.js';
export * from './profile/dto/profile.dto.js';
export * from './two-factor/dto/two-factor.dto.js';
