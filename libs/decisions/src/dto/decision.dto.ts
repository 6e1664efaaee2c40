import { isIP } from 'node:net';
import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import { jsonObjectField, objectOf, textField } from '@castellan/core';
import type { KeyKind, PolicyRule } from '@castellan/core';
import { RuleDto } from '@castellan/permissions';

export const MAX_BATCH = 100;

/** One check: an action of the catalogue (no wildcards), the environment it is for, the resource's attributes. */
export const AUTHORIZE_BODY = objectOf({
  action: textField({
    required: true,
    maxLength: 200,
    example: 'upload:destroy',
    description: 'One action of the catalogue (no wildcards)',
  }),
  cloud_name: textField({ maxLength: 64, example: 'product1', description: 'The product environment the call is for' }),
  resource: jsonObjectField({
    example: { resource_type: 'image', folder: 'public/cats', tags: ['cat'] },
    description: 'Attributes of the resource acted on',
  }),
});
export type AuthorizeDto = z.output<typeof AUTHORIZE_BODY>;

export const BATCH_AUTHORIZE_BODY = objectOf({
  checks: z.array(AUTHORIZE_BODY, { error: 'checks must be an array' }).max(MAX_BATCH, `checks may hold at most ${MAX_BATCH} checks`),
});
export type BatchAuthorizeDto = z.output<typeof BATCH_AUTHORIZE_BODY>;

/** A check for any key of the account, named by its api_key; its secret is not needed. */
export const SIMULATE_BODY = AUTHORIZE_BODY.extend({
  api_key: textField({ required: true, maxLength: 32, description: 'Any key of the account; its secret is not needed' }),
  ip: textField({
    maxLength: 45,
    example: '203.0.113.7',
    description:
      "The address the request would come from, for the key's and the account's allowlists; the simulating request's own when absent",
  }).refine((value) => value === undefined || isIP(value) !== 0, 'ip must be an IPv4 or IPv6 address'),
});
export type SimulateDto = z.output<typeof SIMULATE_BODY>;

export const DECISION_REASONS = [
  'ALLOWED',
  'DENIED_BY_RULE',
  'NO_MATCHING_RULE',
  'ENVIRONMENT_DISABLED',
  'WRONG_ENVIRONMENT',
  'KEY_DISABLED',
  'KEY_EXPIRED',
  'IP_NOT_ALLOWED',
  'USER_UNAVAILABLE',
] as const;
/** Why a real request with the key would be refused before any decision (401): only simulations report these. */
export const REFUSED_KEY_REASONS = ['KEY_DISABLED', 'KEY_EXPIRED', 'IP_NOT_ALLOWED', 'USER_UNAVAILABLE'] as const;
export type DecisionReason = (typeof DECISION_REASONS)[number];

export class DecisionKeyDto {
  @ApiProperty({ example: '814814814814814', description: "The calling key; empty for a person's console session" })
  api_key!: string;

  @ApiProperty({ description: "The key's name, or the signed-in person's email" })
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

  @ApiProperty({
    enum: DECISION_REASONS,
    description: 'KEY_DISABLED, KEY_EXPIRED, IP_NOT_ALLOWED and USER_UNAVAILABLE appear only in simulations: a real request is a 401',
  })
  reason!: DecisionReason;

  @ApiProperty({ type: DecisionKeyDto })
  key!: DecisionKeyDto;

  @ApiProperty({ type: DecisionEnvironmentDto, nullable: true })
  environment!: DecisionEnvironmentDto | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      "Index in the key's own rules of the rule that decided; null when no rule did, or a custom role or the user's privileges did",
  })
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

export class SimulationAssumptionsDto {
  @ApiProperty({ example: '203.0.113.7', description: 'The address the request is taken to come from' })
  ip!: string;

  @ApiProperty({ example: '2026-11-22T08:00:16Z', description: 'When it is taken to be made (expiry is checked then)' })
  at!: string;
}

export class SimulationDto extends DecisionDto {
  @ApiProperty({
    enum: ['key', 'role', 'user'],
    nullable: true,
    description: "Whose rule decided: the key's own (rule), a custom role it holds, or its user's privileges; null when no rule did",
  })
  decided_by!: 'key' | 'role' | 'user' | null;

  @ApiProperty({ type: [RuleDto], description: "The key's own rules (its kind's default when it has none set)" })
  rules!: PolicyRule[];

  @ApiProperty({ type: [TraceEntryDto], description: "How each of the key's own rules bears on the check" })
  trace!: TraceEntryDto[];

  @ApiProperty({ type: SimulationAssumptionsDto, description: 'The facts of the request the simulation assumes' })
  assumed!: SimulationAssumptionsDto;
}

export class KeySelfDto extends DecisionKeyDto {
  @ApiProperty()
  account_id!: string;

  @ApiProperty({ type: DecisionEnvironmentDto, nullable: true })
  environment!: DecisionEnvironmentDto | null;

  @ApiProperty({ type: [RuleDto], description: 'The effective policy' })
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

export class CatalogKeyKindDto {
  @ApiProperty({ enum: ['environment', 'account', 'user'] })
  kind!: KeyKind;

  @ApiProperty({
    type: [String],
    example: ['provisioning:'],
    description:
      'Actions whose names start with one of these a key of this kind never holds: not even through `*`, and rules naming them ' +
      'are refused',
  })
  excluded_prefixes!: string[];
}

export class CatalogDto {
  @ApiProperty({ type: [CatalogPluginDto] })
  plugins!: CatalogPluginDto[];

  @ApiProperty({ type: [CatalogKeyKindDto], description: 'Each kind of key, with the actions it can never hold' })
  key_kinds!: CatalogKeyKindDto[];
}
