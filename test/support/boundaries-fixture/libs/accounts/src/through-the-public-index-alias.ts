import '@castellan/throttling/src/limiter.js';

export const deepAlias = true;
