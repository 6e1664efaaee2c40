import 'node:path';
import '@castellan/core';

export const permissions = 'permissions';
