import '../../throttling/src/index.js';

export const relativeIndex = true;
