import '../../api/src/main.js';

export const cli = 'cli';
