import { ApiProperty } from '@nestjs/swagger';
import { StringField } from '@castellan/core';

export class UpdateAccountDto {
  @StringField({ required: true, maxLength: 255, description: 'The account name' })
  name!: string;
}

export class AccountLimitsDto {
  @ApiProperty({ description: 'How many product environments the account may hold' })
  product_environments!: number;
}

export class AccountEndpointsDto {
  @ApiProperty({ example: 'http://127.0.0.1:3000/v1_1/provisioning/accounts/16a8ff3b-736b-49a6-85c0-03b69d5a357b' })
  provisioning_api!: string;

  @ApiProperty({ example: 'http://127.0.0.1:3000/v1_1/authorize', description: 'The decision API for internal services' })
  authorize!: string;

  @ApiProperty({ example: 'http://127.0.0.1:3000/docs' })
  docs!: string;
}

export class AccountDto {
  @ApiProperty({ example: '16a8ff3b-736b-49a6-85c0-03b69d5a357b' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: AccountLimitsDto })
  limits!: AccountLimitsDto;

  @ApiProperty({ type: AccountEndpointsDto })
  endpoints!: AccountEndpointsDto;

  @ApiProperty({ example: '2026-11-22T08:00:16Z' })
  created_at!: string;

  @ApiProperty({ example: '2026-11-22T08:00:16Z' })
  updated_at!: string;
}

/** An account with its first key, as the operator CLI and the first start print it. */
export interface CreatedAccount {
  account_id: string;
  name: string;
  api_key: string;
  api_secret: string;
  account_url: string;
}

/** The credentials as a person reads them, for the first-start banner and the CLI. */
export function credentialLines(created: CreatedAccount): string[] {
  return [
    `   account_id   ${created.account_id}`,
    `   api_key      ${created.api_key}`,
    `   api_secret   ${created.api_secret}`,
    `   account_url  ${created.account_url}`,
  ];
}
