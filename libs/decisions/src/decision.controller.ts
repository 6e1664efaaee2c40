import { Controller, Get, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiSchemaBody, Authenticated, CurrentPrincipal, SchemaBody } from '@castellan/core';
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

/** For internal services, authenticated by the key being checked (the service forwards its caller's credentials). */
@ApiTags('Decisions')
@Controller('v1_1')
export class DecisionController {
  constructor(private readonly decisions: DecisionService) {}

  @Post('authorize')
  @Authenticated({ anyValidKey: true, decisions: true })
  @ApiSchemaBody(AUTHORIZE_BODY)
  @ApiOkResponse({ type: DecisionDto, description: 'Whether the calling key may perform the action' })
  authorize(@CurrentPrincipal() p: Principal, @SchemaBody(AUTHORIZE_BODY) body: AuthorizeDto): Promise<DecisionDto> {
    return this.decisions.authorize(p, body);
  }

  @Post('authorize/batch')
  @Authenticated({ anyValidKey: true, decisions: true })
  @ApiSchemaBody(BATCH_AUTHORIZE_BODY)
  @ApiOkResponse({ type: BatchDecisionDto, description: 'One decision per check, in order' })
  authorizeBatch(@CurrentPrincipal() p: Principal, @SchemaBody(BATCH_AUTHORIZE_BODY) body: BatchAuthorizeDto): Promise<BatchDecisionDto> {
    return this.decisions.authorizeBatch(p, body);
  }

  @Get('keys/self')
  @Authenticated({ anyValidKey: true })
  @ApiOkResponse({ type: KeySelfDto, description: "The calling key's metadata and effective rules" })
  self(@CurrentPrincipal() p: Principal): KeySelfDto {
    return this.decisions.self(p);
  }

  @Get('permissions/catalog')
  @Authenticated({ anyValidKey: true })
  @ApiOkResponse({ type: CatalogDto, description: 'Every plugin with its actions and the attributes their conditions may use' })
  catalog(): CatalogDto {
    return this.decisions.catalogue();
  }
}
