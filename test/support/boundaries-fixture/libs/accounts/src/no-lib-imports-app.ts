import '../../../apps/api/src/main.js';

export const reachesAnApp = true;
