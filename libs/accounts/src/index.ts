export * from './account-transactions.js';
export * from './account.service.js';
export * from './accounts.module.js';
export * from './dto/account.dto.js';
