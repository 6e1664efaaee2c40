import { Body, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiRefusals, Authenticated, bodyRefusals, CurrentPrincipal, ProvisioningController } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { AccountService } from './account.service.js';
import { AccountDto, UpdateAccountDto } from './dto/account.dto.js';

@ApiTags('Account')
@ProvisioningController()
export class AccountController {
  constructor(private readonly accounts: AccountService) {}

  @Get()
  @Authenticated({ permission: 'provisioning:account.read' })
  @ApiOperation({
    summary: 'Get the account',
    description:
      'Answers the id and name of the account, its limits, and the endpoints a client needs: the Provisioning API, ' +
      '`/v1_1/authorize` and these docs.',
  })
  @ApiOkResponse({ type: AccountDto, description: 'The account, its limits and the endpoints a caller needs' })
  get(@CurrentPrincipal() principal: Principal): Promise<AccountDto> {
    return this.accounts.get(principal.accountId);
  }

  @Put()
  @Authenticated({ permission: 'provisioning:account.update' })
  @ApiOperation({ summary: 'Rename the account', description: 'Sets the name of the account, and answers the account.' })
  @ApiRefusals(bodyRefusals('name missing, over 255 characters, or holding control characters'))
  @ApiOkResponse({ type: AccountDto })
  rename(@CurrentPrincipal() principal: Principal, @Body() body: UpdateAccountDto): Promise<AccountDto> {
    return this.accounts.rename(principal.accountId, body.name);
  }
}
