import '@castellan/core';

export const throttling = 'throttling';
