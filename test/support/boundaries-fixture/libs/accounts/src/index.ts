import '@castellan/core';
import '@castellan/throttling';

export const accounts = 'accounts';
