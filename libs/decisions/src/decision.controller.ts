import { Controller, Get, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiRefusals, ApiSchemaBody, Authenticated, bodyRefusals, CurrentPrincipal, SchemaBody } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { DecisionService } from './decision.service.js';
import {
  AUTHORIZE_BODY,
  type AuthorizeDto,
  BATCH_AUTHORIZE_BODY,
  type BatchAuthorizeDto,
  BatchDecisionDto,
  CatalogDto,
  DecisionDto,
  KeySelfDto,
} from './dto/decision.dto.js';

const INVALID_CHECK = 'A check breaks its rule: no action, an action not in the catalogue, or a resource attribute of the wrong type';

/** For internal services, authenticated by the key being checked (the service forwards its caller's credentials). */
@ApiTags('Decisions')
@Controller('v1_1')
export class DecisionController {
  constructor(private readonly decisions: DecisionService) {}

  @Post('authorize')
  @Authenticated({ anyValidKey: true, decisions: true })
  @ApiOperation({
    summary: 'Decide whether the calling key may perform an action',
    description:
      "For services that forward their callers' credentials: answers `{allowed, reason, key, environment, rule}` for `action` on " +
      'the `resource` described, in the environment named by `cloud_name`. A refusal is a 200 with `allowed: false`, and counts as ' +
      'a denied use of the key.',
  })
  @ApiRefusals(bodyRefusals(INVALID_CHECK))
  @ApiSchemaBody(AUTHORIZE_BODY)
  @ApiOkResponse({ type: DecisionDto, description: 'Whether the calling key may perform the action' })
  authorize(@CurrentPrincipal() p: Principal, @SchemaBody(AUTHORIZE_BODY) body: AuthorizeDto): Promise<DecisionDto> {
    return this.decisions.authorize(p, body);
  }

  @Post('authorize/batch')
  @Authenticated({ anyValidKey: true, decisions: true })
  @ApiOperation({
    summary: 'Decide several checks for the calling key at once',
    description: 'Answers `{results:[…]}`: one decision per check of `checks` (at most 100), in order, as `/v1_1/authorize` decides it.',
  })
  @ApiRefusals(bodyRefusals(`${INVALID_CHECK}, or over 100 checks`))
  @ApiSchemaBody(BATCH_AUTHORIZE_BODY)
  @ApiOkResponse({ type: BatchDecisionDto, description: 'One decision per check, in order' })
  authorizeBatch(@CurrentPrincipal() p: Principal, @SchemaBody(BATCH_AUTHORIZE_BODY) body: BatchAuthorizeDto): Promise<BatchDecisionDto> {
    return this.decisions.authorizeBatch(p, body);
  }

  @Get('keys/self')
  @Authenticated({ anyValidKey: true })
  @ApiOperation({
    summary: 'Describe the calling key',
    description: 'Answers the api_key, name, kind, account and environment of the key that authenticated, and its effective rules.',
  })
  @ApiOkResponse({ type: KeySelfDto, description: "The calling key's metadata and effective rules" })
  self(@CurrentPrincipal() p: Principal): KeySelfDto {
    return this.decisions.self(p);
  }

  @Get('permissions/catalog')
  @Authenticated({ anyValidKey: true })
  @ApiOperation({
    summary: 'List the actions rules can name',
    description: 'Answers `{plugins:[…]}`: every permission plugin, its actions with their scope, and the attributes conditions may use.',
  })
  @ApiOkResponse({ type: CatalogDto, description: 'Every plugin with its actions and the attributes their conditions may use' })
  catalog(): CatalogDto {
    return this.decisions.catalogue();
  }
}
