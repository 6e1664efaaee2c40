import type { A } from './allowed-cycle-a.js';

export const b = (a: A) => a;
