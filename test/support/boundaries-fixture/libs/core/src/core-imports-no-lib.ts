import '@castellan/throttling';

export const reachesUp = true;
