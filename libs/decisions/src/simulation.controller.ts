import { Ip, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiRefusals,
  ApiSchemaBody,
  Authenticated,
  bodyRefusals,
  CurrentPrincipal,
  ProvisioningController,
  SchemaBody,
} from '@castellan/core';
import type { Principal } from '@castellan/core';
import { DecisionService } from './decision.service.js';
import { SIMULATE_BODY, type SimulateDto, SimulationDto } from './dto/decision.dto.js';

@ApiTags('Permissions')
@ProvisioningController('permissions')
export class SimulationController {
  constructor(private readonly decisions: DecisionService) {}

  @Post('simulate')
  @Authenticated({ permission: 'provisioning:permissions.simulate' })
  @ApiOperation({
    summary: 'Simulate a decision for a key of the account',
    description:
      "What a real request with the key's secret would get for `action` on `resource`, from `ip` (the simulating request's own " +
      "address by default), now, with a trace of each of the key's rules. Changes nothing and counts no use of the key. The caller " +
      "must also be allowed to read the key's permissions (`…access_keys.permissions.read` for an environment key, and so on).",
  })
  @ApiRefusals({
    ...bodyRefusals('A field breaks its rule: no api_key or action, an action the catalogue does not hold, an ip that is no address'),
    403: "The caller may not read the key's permissions, or does not reach the environment the check is in",
    404: 'No key with this api_key in this account',
  })
  @ApiSchemaBody(SIMULATE_BODY)
  @ApiOkResponse({
    type: SimulationDto,
    description: 'The decision for a key of the account whose permissions the caller may read, with a trace of every rule',
  })
  simulate(@CurrentPrincipal() p: Principal, @Ip() ip: string, @SchemaBody(SIMULATE_BODY) body: SimulateDto): Promise<SimulationDto> {
    return this.decisions.simulate(p, body, ip);
  }
}
