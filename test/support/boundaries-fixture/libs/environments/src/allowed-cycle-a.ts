import { b } from './allowed-cycle-b.js';

export interface A {
  b: typeof b;
}
