import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import { jsonObjectField, objectOf, textField } from '@castellan/core';
import type { KeyKind, PolicyRule } from '@castellan/core';

export const MAX_BATCH = 100;

/** One check: an action of the catalogue (no wildcards), the environment it is for, the resource's attributes. */
export const AUTHORIZE_BODY = objectOf({
  action: textField({ required: true, maxLength: 200, example: 'upload:destroy', description: 'One action of the catalogue (no wildcards)' }),
  cloud_name: textField({ maxLength: 64, example: 'product1', description: 'The product environment the call is for' }),
  resource: jsonObjectField({ example: { resource_type: 'image', folder: 'public/cats', tags: ['cat'] }, description: 'Attributes of the resource acted on' }),
});
export type AuthorizeDto = z.output<typeof AUTHORIZE_BODY>;

export const BATCH_AUTHORIZE_BODY = objectOf({
  checks: z
    .array(AUTHORIZE_BODY, { error: 'checks must be an array' })
    .max(MAX_BATCH, `checks may hold at most ${MAX_BATCH} checks`),
});
export type BatchAuthorizeDto = z.output<typeof BATCH_AUTHORIZE_BODY>;

/** A check for any key of the account, named by its api_key; its secret is not needed. */
export const SIMULATE_BODY = AUTHORIZE_BODY.extend({
  api_key: textField({ required: true, maxLength: 32, description: 'Any key of the account; its secret is not needed' }),
});
export type SimulateDto = z.output<typeof SIMULATE_BODY>;

export const DECISION_REASONS = ['ALLOWED', 'DENIED_BY_RULE', 'NO_MATCHING_RULE', 'ENVIRONMENT_DISABLED', 'WRONG_ENVIRONMENT', 'KEY_DISABLED'] as const;
export type DecisionReason = (typeof DECISION_REASONS)[number];

export class DecisionKeyDto {
  @ApiProperty({ example: '814814814814814' })
  api_key!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: ['account', 'environment', 'user'] })
  kind!: KeyKind;
}

export class DecisionEnvironmentDto {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  cloud_name!: string;
}

export class DecisionDto {
  @ApiProperty()
  allowed!: boolean;

  @ApiProperty({ enum: DECISION_REASONS, description: 'KEY_DISABLED appears only in simulations' })
  reason!: DecisionReason;

  @ApiProperty({ type: DecisionKeyDto })
  key!: DecisionKeyDto;

  @ApiProperty({ type: DecisionEnvironmentDto, nullable: true })
  environment!: DecisionEnvironmentDto | null;

  @ApiProperty({ type: Number, nullable: true, description: "Index in the key's policy of the deciding rule" })
  rule!: number | null;
}

export class BatchDecisionDto {
  @ApiProperty({ type: [DecisionDto] })
  results!: DecisionDto[];
}

export class TraceEntryDto {
  @ApiProperty()
  rule!: number;

  @ApiProperty({ enum: ['allow', 'deny'] })
  effect!: 'allow' | 'deny';

  @ApiProperty()
  covers_action!: boolean;

  @ApiProperty({ type: Boolean, nullable: true })
  conditions_match!: boolean | null;

  @ApiProperty()
  decisive!: boolean;
}

export class SimulationDto extends DecisionDto {
  @ApiProperty({ type: [Object], description: 'The policy the decision was made with' })
  rules!: PolicyRule[];

  @ApiProperty({ type: [TraceEntryDto] })
  trace!: TraceEntryDto[];
}

export class KeySelfDto extends DecisionKeyDto {
  @ApiProperty()
  account_id!: string;

  @ApiProperty({ type: DecisionEnvironmentDto, nullable: true })
  environment!: DecisionEnvironmentDto | null;

  @ApiProperty({ type: [Object], description: 'The effective policy' })
  rules!: PolicyRule[];

  @ApiProperty({ description: "True while the key has its kind's default policy" })
  default!: boolean;
}

export class CatalogAttributeDto {
  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: ['string', 'number', 'boolean', 'string[]'] })
  type!: string;

  @ApiProperty()
  description!: string;
}

export class CatalogActionDto {
  @ApiProperty({ example: 'upload:destroy' })
  name!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty({ type: [CatalogAttributeDto] })
  attributes!: CatalogAttributeDto[];

  @ApiProperty({
    enum: ['environment', 'account'],
    description: 'environment: held only in the product environments the key or user reaches; account: on the account as a whole',
  })
  scope!: 'environment' | 'account';
}

export class CatalogPluginDto {
  @ApiProperty({ example: 'upload' })
  name!: string;

  @ApiProperty()
  title!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty({ type: [CatalogActionDto] })
  actions!: CatalogActionDto[];
}

export class CatalogDto {
  @ApiProperty({ type: [CatalogPluginDto] })
  plugins!: CatalogPluginDto[];
}
