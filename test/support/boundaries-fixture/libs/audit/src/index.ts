import '@castellan/leaks';

export const audit = 'audit';
