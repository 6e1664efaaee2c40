import '@castellan/core';

export const usesCore = true;
