import { Body, Controller, Get, Ip, Put } from '@nestjs/common';
import { ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { SecurityService } from './security.service.js';
import { SecurityDto, UpdateSecurityDto } from './dto/security.dto.js';

@ApiTags('Account security')
@Controller('v1_1/provisioning/accounts/:account_id/security')
export class SecurityController {
  constructor(private readonly security: SecurityService) {}

  @Get()
  @Authenticated({ permission: 'provisioning:security.read' })
  @ApiOkResponse({ type: SecurityDto, description: 'Two-factor policy and SAML single sign-on; defaults until first changed' })
  get(@CurrentPrincipal() principal: Principal): Promise<SecurityDto> {
    return this.security.get(principal.accountId);
  }

  @Put()
  @Authenticated({ permission: 'provisioning:security.update' })
  @ApiOkResponse({ type: SecurityDto })
  @ApiResponse({ status: 409, description: 'allowed_ips without the address of this request, which would lock the caller out' })
  update(@CurrentPrincipal() principal: Principal, @Ip() ip: string, @Body() body: UpdateSecurityDto): Promise<SecurityDto> {
    return this.security.update(principal.accountId, body, ip);
  }
}
