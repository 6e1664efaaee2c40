import { Controller, Ip, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiSchemaBody, Authenticated, CurrentPrincipal, SchemaBody } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { DecisionService } from './decision.service.js';
import { SIMULATE_BODY, type SimulateDto, SimulationDto } from './dto/decision.dto.js';

@ApiTags('Permissions')
@Controller('v1_1/provisioning/accounts/:account_id/permissions')
export class SimulationController {
  constructor(private readonly decisions: DecisionService) {}

  @Post('simulate')
  @Authenticated({ permission: 'provisioning:permissions.simulate' })
  @ApiSchemaBody(SIMULATE_BODY)
  @ApiOkResponse({ type: SimulationDto, description: "The decision for a key of the account whose permissions the caller may read, with a trace of every rule" })
  simulate(@CurrentPrincipal() p: Principal, @Ip() ip: string, @SchemaBody(SIMULATE_BODY) body: SimulateDto): Promise<SimulationDto> {
    return this.decisions.simulate(p, body, ip);
  }
}
