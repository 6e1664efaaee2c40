export const limiter = 'behind the index';
