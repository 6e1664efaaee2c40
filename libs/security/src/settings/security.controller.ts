import { Body, Get, Ip, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiRefusals, Authenticated, bodyRefusals, CurrentPrincipal, ProvisioningController, REFUSED } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { SecurityService } from './security.service.js';
import { SecurityDto, UpdateSecurityDto } from './dto/security.dto.js';

@ApiTags('Account security')
@ProvisioningController('security')
export class SecurityController {
  constructor(private readonly security: SecurityService) {}

  @Get()
  @Authenticated({ permission: 'provisioning:security.read' })
  @ApiOperation({
    summary: "Get the account's security settings",
    description:
      'Answers the two-factor policy, SAML single sign-on (the certificate as its subject, issuer, validity and fingerprint, never ' +
      "the PEM), and the account's allowed_ips and key_max_lifetime_days.",
  })
  @ApiOkResponse({ type: SecurityDto, description: 'Two-factor policy and SAML single sign-on; defaults until first changed' })
  get(@CurrentPrincipal() principal: Principal): Promise<SecurityDto> {
    return this.security.get(principal.accountId);
  }

  @Put()
  @Authenticated({ permission: 'provisioning:security.update' })
  @ApiOperation({
    summary: "Update the account's security settings",
    description:
      'Changes the fields given. Enabling SAML needs `idp_entity_id`, an https `sso_url` and `x509_certificate`; `sso_required` ' +
      'needs SAML enabled. `allowed_ips` apply to every key of the account; `key_max_lifetime_days` caps the lifetime of new keys.',
  })
  @ApiRefusals({
    ...bodyRefusals('A field breaks its rule: SAML enabled without its three fields, a broken or expired certificate, bad allowed_ips'),
    409: REFUSED.lockOut,
  })
  @ApiOkResponse({ type: SecurityDto })
  update(@CurrentPrincipal() principal: Principal, @Ip() ip: string, @Body() body: UpdateSecurityDto): Promise<SecurityDto> {
    return this.security.update(principal.accountId, body, ip);
  }
}
