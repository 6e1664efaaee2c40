import './allowed-cycle-a.js';
import './no-runtime-circular-a.js';

export const environments = 'environments';
