import type * as decisions from '@castellan/decisions';

export type Wire = typeof decisions;
