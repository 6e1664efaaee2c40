import '@castellan/accounts';

export const knowsAccounts = true;
