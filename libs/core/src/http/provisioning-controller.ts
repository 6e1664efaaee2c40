import { applyDecorators, Controller } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';

const ACCOUNT_PATH = 'v1_1/provisioning/accounts/:account_id';

/**
 * A Provisioning API controller, under its account's path. No handler reads `account_id` (the global guard checks
 * it against the key), so Nest's OpenAPI scan would not see it: it is declared here, once, so that the document
 * names it and Swagger UI's "Try it out" asks for it.
 */
export function ProvisioningController(path?: string): ClassDecorator {
  return applyDecorators(
    Controller(path ? `${ACCOUNT_PATH}/${path}` : ACCOUNT_PATH),
    ApiParam({
      name: 'account_id',
      schema: { type: 'string' },
      description: "The account's id (`account_id` in the first start's banner)",
    }),
  );
}
