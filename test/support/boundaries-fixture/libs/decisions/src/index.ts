import '@castellan/core';

export interface Decision {
  allowed: boolean;
}
