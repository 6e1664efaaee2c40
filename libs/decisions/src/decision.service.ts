import { Inject, Injectable } from '@nestjs/common';
import { AppError, AuthFailureReason, ErrorCode, isoSeconds, isSession, KEY_USAGE_SINK, Principal, reachOf } from '@castellan/core';
import type { EnvironmentState, KeyUsageSink } from '@castellan/core';
import { ActionAuthorizer, KeyPrincipals, refusalOfUse } from '@castellan/credentials';
import { EnvironmentDirectory } from '@castellan/environments';
import {
  effectiveRules,
  excludedPrefixes,
  KEY_KINDS,
  PermissionCatalog,
  PolicyCompiler,
  reaches,
  RuleSource,
  validateResource,
} from '@castellan/permissions';
import {
  AuthorizeDto,
  BatchAuthorizeDto,
  BatchDecisionDto,
  CatalogDto,
  DecisionDto,
  DecisionReason,
  KeySelfDto,
  SimulateDto,
  SimulationDto,
} from './dto/decision.dto.js';

/** The key a decision is about: the caller itself, or (in a simulation) any key of the account. */
type Subject = Pick<
  Principal,
  'kind' | 'apiKey' | 'name' | 'accountId' | 'environmentId' | 'rules' | 'userPolicies' | 'environmentIds' | 'rolePolicies' | 'environment'
>;

/** Where a check lands: the environment it names (or the key's own), and why it cannot proceed, if so. */
interface Placement {
  environment: EnvironmentState | null;
  blocked?: DecisionReason;
}

const environmentDto = (e: EnvironmentState | null) => (e ? { id: e.id, cloud_name: e.cloudName } : null);

/** What a simulation answers for a key a real request would be refused with (401), by the refusal's reason. */
const REFUSED: Partial<Record<AuthFailureReason, DecisionReason>> = {
  [AuthFailureReason.KeyDisabled]: 'KEY_DISABLED',
  [AuthFailureReason.KeyExpired]: 'KEY_EXPIRED',
  [AuthFailureReason.IpNotAllowed]: 'IP_NOT_ALLOWED',
  [AuthFailureReason.UserUnavailable]: 'USER_UNAVAILABLE',
};

@Injectable()
export class DecisionService {
  constructor(
    private readonly catalog: PermissionCatalog,
    private readonly policies: PolicyCompiler,
    private readonly environments: EnvironmentDirectory,
    private readonly principals: KeyPrincipals,
    private readonly actions: ActionAuthorizer,
    // Absent where key usage is not counted (the CLI).
    @Inject(KEY_USAGE_SINK) private readonly usage: KeyUsageSink,
  ) {}

  /** Each decision counts as an allowed or a denied use of the caller's key (the guard leaves these routes to us). */
  async authorize(caller: Principal, check: AuthorizeDto): Promise<DecisionDto> {
    this.requireCheck(check, '');
    const [decision] = await this.decide(caller, check);
    this.usage.count(caller, decision.allowed);
    return decision;
  }

  async authorizeBatch(caller: Principal, batch: BatchAuthorizeDto): Promise<BatchDecisionDto> {
    batch.checks.forEach((check, i) => this.requireCheck(check, `checks[${i}].`));
    const results: DecisionDto[] = [];
    // In order, one at a time: the checks of one caller usually share an environment, looked up each time
    // from the primary key index; a batch of 100 stays well within a request's budget.
    for (const check of batch.checks) results.push((await this.decide(caller, check))[0]);
    for (const result of results) this.usage.count(caller, result.allowed);
    return { results };
  }

  /**
   * The decision for a key of the account, with the trace of its own rules, for security teams: what a real request
   * with the key's secret would get, from `ip` (the simulating request's address unless the body names one), now.
   * A key a real request would be refused (disabled, expired, outside an allowlist, of a disabled user) is reported
   * with that reason. A simulation shows the key's rules and what it may do, so it needs the right to read them
   * (the action that reads that kind of key's permissions, where the key is), and an environment it names must be
   * one the caller reaches.
   */
  async simulate(caller: Principal, input: SimulateDto, requestIp: string): Promise<SimulationDto> {
    this.requireCheck(input, '');
    const key = await this.principals.load(input.api_key, caller.accountId);
    if (!key) throw AppError.notFound('Key', input.api_key);
    const subject = key.principal;
    this.requireRead(caller, subject);
    const ip = input.ip ?? requestIp;
    const now = Date.now();
    const [decided, source] = await this.decide(subject, input);
    if (decided.environment && !reaches(reachOf(caller), decided.environment.id)) {
      throw AppError.notAllowed(`provisioning:permissions.simulate in product environment ${decided.environment.id}`);
    }
    const refused = refusalOfUse(key, ip, now);
    const decision = refused
      ? { ...decided, allowed: false, reason: REFUSED[refused]!, rule: null, decided_by: null }
      : { ...decided, decided_by: source };
    const trace = this.policies.forPrincipal(subject).trace(input.action, input.resource);
    return {
      ...decision,
      rules: effectiveRules(subject.kind, subject.rules),
      // When the key or its environment blocked the check, no rule decided, whatever the policy says.
      trace: trace.map((entry) => ({ ...entry, decisive: decision.decided_by === 'key' && entry.rule === decision.rule })),
      assumed: { ip, at: isoSeconds(new Date(now)) },
    };
  }

  self(caller: Principal): KeySelfDto {
    if (isSession(caller))
      throw new AppError(ErrorCode.NotAllowed, "A person's console session is not a key: GET /v1_1/session describes who is signed in");
    return {
      api_key: caller.apiKey,
      name: caller.name,
      kind: caller.kind,
      account_id: caller.accountId,
      environment: environmentDto(caller.environment),
      rules: effectiveRules(caller.kind, caller.rules),
      default: caller.rules === null,
    };
  }

  catalogue(): CatalogDto {
    return {
      plugins: this.catalog.plugins.map((p) => ({
        name: p.name,
        title: p.title,
        description: p.description,
        actions: this.catalog
          .expand(`${p.name}:*`)!
          .map((a) => ({ name: a.name, description: a.description, attributes: a.attributes, scope: a.scope })),
      })),
      key_kinds: KEY_KINDS.map((kind) => ({ kind, excluded_prefixes: excludedPrefixes(kind) })),
    };
  }

  private requireRead(caller: Principal, subject: Principal): void {
    if (subject.kind === 'environment')
      this.actions.require(caller, 'provisioning:access_keys.permissions.read', { environmentId: subject.environmentId! });
    else if (subject.kind === 'account') this.actions.require(caller, 'provisioning:account_api_keys.permissions.read');
    else
      this.actions.require(caller, subject.userId === caller.userId ? 'provisioning:own_api_keys.read' : 'provisioning:user_api_keys.read');
  }

  /** A check names one action of the catalogue, and gives its resource's attributes their declared types. */
  private requireCheck(check: AuthorizeDto, prefix: string): void {
    const action = this.catalog.get(check.action);
    if (!action) throw AppError.invalid(`${prefix}action: unknown action "${check.action}"`);
    validateResource(action, check.resource, `${prefix}resource`);
  }

  /** The decision, and whose rule made it (which /v1_1/authorize does not say, and a simulation does). */
  private async decide(subject: Subject, check: AuthorizeDto): Promise<[DecisionDto, RuleSource | null]> {
    const { environment, blocked } = await this.place(subject, check);
    const outcome = blocked
      ? { allowed: false, reason: blocked, rule: null, source: null }
      : this.policies.forPrincipal(subject).decide(check.action, check.resource);
    const decision = {
      allowed: outcome.allowed,
      reason: outcome.reason,
      key: { api_key: subject.apiKey, name: subject.name, kind: subject.kind },
      environment: environmentDto(environment),
      // An index into the key's own rules: a rule of a role or of the user's privileges has no place there.
      rule: outcome.source === 'key' ? outcome.rule : null,
    };
    return [decision, outcome.source];
  }

  /**
   * An environment key works in its own environment only. An account key works in any environment of its
   * account, named by cloud_name; a user key in those its user reaches, so that a user limited to some
   * environments must name one for an environment action. A disabled environment refuses everything.
   */
  private async place(subject: Subject, { action, cloud_name: cloudName }: AuthorizeDto): Promise<Placement> {
    let environment: EnvironmentState | null = null;
    if (subject.environmentId) {
      environment = subject.environment;
      if (cloudName && cloudName.toLowerCase() !== environment?.cloudName) return { environment, blocked: 'WRONG_ENVIRONMENT' };
    } else if (cloudName) {
      environment = await this.environments.findByCloudName(subject.accountId, cloudName);
      if (!environment) return { environment: null, blocked: 'WRONG_ENVIRONMENT' };
      if (subject.environmentIds && !subject.environmentIds.includes(environment.id)) return { environment, blocked: 'WRONG_ENVIRONMENT' };
    } else if (subject.environmentIds && this.catalog.get(action)!.scope === 'environment') {
      return { environment: null, blocked: 'WRONG_ENVIRONMENT' };
    }
    return environment && !environment.enabled ? { environment, blocked: 'ENVIRONMENT_DISABLED' } : { environment };
  }
}
