import '../../../libs/throttling/src/limiter.js';

export const deepFromAnApp = true;
