export * from './security.module.js';
export * from './mail/mailer.js';
export * from './settings/certificate.js';
export * from './settings/dto/security.dto.js';
export * from './verification/verification-code.service.js';
export * from './verification/dto/verification-code.dto.js';
export * from './settings/sign-in-policy.js';
export { TWO_FACTOR_POLICIES } from './settings/account-security.entity.js';
export type { TwoFactorPolicy } from './settings/account-security.entity.js';
