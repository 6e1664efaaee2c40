import { AccountEntity, SystemEventEntity } from '@castellan/accounts';
import { AUDIT_ENTITIES } from '@castellan/audit';
import { ApiKeyCountEntity, ApiKeyEntity } from '@castellan/credentials';
import { EnvironmentEntity } from '@castellan/environments';
import { KEY_USAGE_ENTITIES } from '@castellan/key-usage';
import { PEOPLE_ENTITIES } from '@castellan/people';
import { SECURITY_ENTITIES } from '@castellan/security';

/** Listed explicitly: globs break under bundling and depend on the working directory. */
export const ENTITIES = [AccountEntity, SystemEventEntity, EnvironmentEntity, ApiKeyEntity, ApiKeyCountEntity, ...PEOPLE_ENTITIES, ...SECURITY_ENTITIES, ...AUDIT_ENTITIES, ...KEY_USAGE_ENTITIES];
