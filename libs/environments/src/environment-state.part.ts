import { Global, Module } from '@nestjs/common';
import { ENVIRONMENT_STATE_PART, rawBoolean } from '@castellan/core';
import type { EnvironmentState, KeyQueryPart } from '@castellan/core';

/** The join to an environment key's environment; prefixed with the library's name, as KeyQueryPart asks. */
const ENVIRONMENT = 'environments_environment';

/** An environment key's environment, read with the key: null when it is gone, and for other kinds of keys. */
export const ENVIRONMENT_STATE: KeyQueryPart<EnvironmentState | null> = {
  joins: (k) => [
    {
      table: 'product_environments',
      alias: ENVIRONMENT,
      on: `${ENVIRONMENT}.account_id = ${k}.account_id AND ${ENVIRONMENT}.id = ${k}.environment_id`,
    },
  ],
  columns: () => [
    { alias: 'cloud_name', sql: `${ENVIRONMENT}.cloud_name` },
    { alias: 'enabled', sql: `${ENVIRONMENT}.enabled` },
  ],
  read(raw, key) {
    const cloudName = raw['cloud_name'];
    return key.environmentId && typeof cloudName === 'string'
      ? { id: key.environmentId, cloudName, enabled: rawBoolean(raw['enabled']) }
      : null;
  },
};

/**
 * Global, and nothing else in it: authentication (libs/credentials, which cannot depend on environments) finds
 * ENVIRONMENT_STATE_PART through it, and nothing more of environments.
 */
@Global()
@Module({ providers: [{ provide: ENVIRONMENT_STATE_PART, useValue: ENVIRONMENT_STATE }], exports: [ENVIRONMENT_STATE_PART] })
export class EnvironmentStatePartModule {}
