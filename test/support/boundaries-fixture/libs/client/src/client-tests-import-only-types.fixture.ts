import '@castellan/decisions';

export const usesServerCode = true;
