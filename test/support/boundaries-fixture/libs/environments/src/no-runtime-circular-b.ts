import './no-runtime-circular-a.js';

export const b = 'b';
