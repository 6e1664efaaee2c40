import { uniqueCloudName } from '../../support/harness.js';
import { allow } from '../../support/http.js';
import type { RegisteredRoute } from '../../support/routes.js';
import type { Target } from './fixture.js';
import { OpenApiDocument, inputOf, requiredExample } from './openapi.js';

// A body each route accepts, so that a refusal is about the one field under test (and a missing check
// would show as a success). Routes not listed get their schema's required fields, from its examples.

const ACCOUNT = '/v1_1/provisioning/accounts/:account_id';

type BodyOf = (target: Target, unique: string) => Record<string, unknown>;

const described: BodyOf = () => ({ description: 'described' });
const named: BodyOf = (_, unique) => ({ name: `made ${unique}` });
const narrowRules: BodyOf = () => ({ rules: [allow('upload:upload')] });
const noGrace: BodyOf = () => ({ grace_seconds: 0 });

const VALID_BODIES: Record<string, BodyOf> = {
  [`put ${ACCOUNT}`]: () => ({ name: 'Security target' }),
  [`post ${ACCOUNT}/account_api_keys`]: named,
  [`put ${ACCOUNT}/account_api_keys/:api_key`]: described,
  [`put ${ACCOUNT}/account_api_keys/:api_key/permissions`]: () => ({ rules: [allow('provisioning:account.read')] }),
  [`post ${ACCOUNT}/account_api_keys/:api_key/rotate`]: noGrace,
  [`post ${ACCOUNT}/sub_accounts`]: (_, unique) => ({ name: `env ${unique}`, cloud_name: uniqueCloudName('sec') }),
  [`put ${ACCOUNT}/sub_accounts/:sub_account_id`]: described,
  [`post ${ACCOUNT}/sub_accounts/:sub_account_id/access_keys`]: named,
  [`delete ${ACCOUNT}/sub_accounts/:sub_account_id/access_keys`]: () => ({ name: 'no key has this name' }),
  [`put ${ACCOUNT}/sub_accounts/:sub_account_id/access_keys/:api_key`]: described,
  [`put ${ACCOUNT}/sub_accounts/:sub_account_id/access_keys/:api_key/permissions`]: narrowRules,
  [`post ${ACCOUNT}/sub_accounts/:sub_account_id/access_keys/:api_key/rotate`]: noGrace,
  [`post ${ACCOUNT}/users/:user_id/api_keys`]: named,
  [`put ${ACCOUNT}/users/:user_id/api_keys/:api_key`]: described,
  [`put ${ACCOUNT}/users/:user_id/api_keys/:api_key/permissions`]: narrowRules,
  [`post ${ACCOUNT}/users/:user_id/api_keys/:api_key/rotate`]: noGrace,
  [`post ${ACCOUNT}/permissions/simulate`]: (target) => ({ api_key: target.pathKeys.environment, action: 'upload:upload' }),
  [`put ${ACCOUNT}/security`]: () => ({ two_factor: 'optional' }),
  [`post ${ACCOUNT}/verification_codes/verify`]: (target) => ({ user_id: target.ids.user_id, code: '000000' }),
  [`post ${ACCOUNT}/users`]: (target, unique) => ({ name: `user ${unique}`, email: `user.${unique}@${target.ids.account_id}.example` }),
  [`put ${ACCOUNT}/users/:user_id`]: () => ({ name: 'Path user' }),
  [`post ${ACCOUNT}/roles`]: (_, unique) => ({ name: `role ${unique}`, rules: [allow('upload:upload')] }),
  [`put ${ACCOUNT}/roles/:role_id`]: described,
  [`post ${ACCOUNT}/user_groups`]: named,
  [`put ${ACCOUNT}/user_groups/:group_id`]: () => ({ name: 'Target group' }),
  [`put ${ACCOUNT}/user_groups/:group_id/permissions`]: narrowRules,
  ['put /v1_1/me']: () => ({ theme: 'dark' }),
  ['post /v1_1/password-reset']: (target) => ({ email: `nobody@${target.ids.account_id}.example` }),
  ['post /v1_1/authorize']: () => ({ action: 'upload:upload' }),
  ['post /v1_1/authorize/batch']: () => ({ checks: [{ action: 'upload:upload' }] }),
};

let made = 0;

/** A body the route accepts (names unique on every call), or undefined for a route that takes none. */
export function validBody(doc: OpenApiDocument, route: RegisteredRoute, target: Target): Record<string, unknown> | undefined {
  const listed = VALID_BODIES[`${route.method} ${route.path}`];
  const unique = `${Date.now().toString(36)}-${++made}`;
  if (listed) return listed(target, unique);
  const schema = inputOf(doc, route)?.body;
  return schema ? requiredExample(doc, schema) : undefined;
}
