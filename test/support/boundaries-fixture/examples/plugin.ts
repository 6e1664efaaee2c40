export const plugin = 'plugin';
