import '../../throttling/src/limiter.js';

export const deepRelative = true;
