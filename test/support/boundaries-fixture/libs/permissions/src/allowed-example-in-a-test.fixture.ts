import '../../../examples/plugin.js';

export const usesAnExample = true;
