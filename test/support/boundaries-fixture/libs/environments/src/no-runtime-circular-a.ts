import './no-runtime-circular-b.js';

export const a = 'a';
