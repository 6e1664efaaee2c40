import '@castellan/audit';

export const leaks = 'leaks';
