import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppError, ErrorCode, isSession, reachOf, USER_HOLDINGS_PART, USER_PRIVILEGES } from '@castellan/core';
import type {
  GrantedTransaction,
  KeyHoldings,
  KeyQueryPart,
  PolicyRule,
  Principal,
  UserPrivileges,
  UserPrivilegeSource,
} from '@castellan/core';
import { EVERY_ENVIRONMENT, Excess, Holdings, PolicyCompiler } from '@castellan/permissions';
import type { ApiKeyEntity } from '../api-key.entity.js';
import { ApiKeyRepository } from '../api-key.repository.js';
import { scopeOf } from '../key-store.js';
import { IssuedKey, IssueKeyRequest, KeyIssuer } from '../key-issuer.js';

/**
 * The operator: the CLI, and Castellan's own response to a leak report. It acts on behalf of no principal, so
 * nothing is compared; no HTTP route of a caller may pass it (test/security/grant-invariant.spec.ts lists who does).
 */
export const OPERATOR = Object.freeze({ operator: true as const });
export type Caller = Principal | typeof OPERATOR;

const isOperator = (caller: Caller): caller is typeof OPERATOR => 'operator' in caller;

/** What a change is about, and so whom it can reach: a user (and its keys), a key, a group's members, a role's holders. */
export type GrantSubject = { user: string } | { key: string } | { group: string } | { role: string };

export interface GrantedChange {
  subjects: GrantSubject[];
  /**
   * Whether the change can add to what a subject holds: a role, custom roles or reach of a user, group membership,
   * the rules or roles of a key, role or group, or enabling what was disabled.
   */
  widens: boolean;
  /** Rules the change stores in a role or a group for whoever holds it later, with what they belong to. */
  stores?: { owner: string; rules: PolicyRule[] }[];
}

/** What decides what a key holds; a key being made has no id or api_key yet. */
type KeyShape = Pick<ApiKeyEntity, 'kind' | 'rules' | 'environmentId' | 'userId'> &
  Partial<Pick<ApiKeyEntity, 'id' | 'apiKey' | 'enabled' | 'expiresAt'>>;

/** A principal, what it holds, and how a refusal names it. */
interface Held {
  name: string;
  holdings: Holdings;
  /** Whether it can act now: not disabled or expired, nor its user disabled. What it holds counts either way. */
  active: boolean;
}

const HOLDS_NOTHING: PolicyRule[] = [];

/**
 * The grant invariant, in one place. No request may leave its caller holding, or able to hand out, anything it did
 * not hold:
 * (a) a key whose secret the caller receives (made, or rotated) holds nothing the caller does not hold
 *     unconditionally, in the environments the caller reaches;
 * (b) a principal the caller creates or widens (a user's role, custom roles and reach, group membership, the rules
 *     and roles of keys, roles and groups, enabling) ends up holding nothing the caller does not hold;
 * (c) the caller cannot change a user, or any key of a user, who holds more than the caller.
 * A key's own narrowing binds it the same way: its caller is the key, not its user.
 *
 * Secrets exist only through issue and rotate (KeyIssuer is private to this library), and writes that can widen
 * a principal take the GrantedTransaction that only change hands out, so that a new route cannot skip the check.
 * Everything is read and compared inside the caller's transaction, under the account lock: a refusal throws and
 * the transaction leaves nothing behind. The caller is read afresh there too, so that a verification cache that
 * has not yet heard of the caller's own demotion cannot lend it privileges it has lost.
 */
@Injectable()
export class GrantService {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly issuer: KeyIssuer,
    private readonly policies: PolicyCompiler,
    @Inject(USER_PRIVILEGES) private readonly people: UserPrivilegeSource,
    @Inject(USER_HOLDINGS_PART) private readonly holdings: KeyQueryPart<KeyHoldings>,
  ) {}

  /** Runs `write` as `change` of its subjects: (c) before it, (b) after it when it widens. */
  async change<T>(
    manager: EntityManager,
    caller: Caller,
    change: GrantedChange,
    write: (tx: GrantedTransaction) => Promise<T>,
  ): Promise<T> {
    const tx = manager as GrantedTransaction;
    if (isOperator(caller)) return write(tx);
    const { holdings: mine } = await this.fresh(manager, caller);
    const before = await this.reached(manager, caller, change.subjects);
    this.refuseExcess(await this.users(manager, caller.accountId, before.userIds), mine, 'holds');
    const result = await write(tx);
    if (change.widens) {
      for (const stored of change.stores ?? []) {
        const holdings = this.policies.holdings({ kind: 'user', rules: null, userPolicies: [stored.rules] }, []);
        this.refuseExcess([{ name: stored.owner, holdings, active: true }], mine, 'grants');
      }
      const after = await this.reached(manager, caller, change.subjects);
      this.refuseExcess(
        [
          ...(await this.users(manager, caller.accountId, after.userIds)),
          ...(await this.keyHoldings(manager, caller.accountId, after.keys)),
        ],
        mine,
        'would hold',
      );
    }
    return result;
  }

  /**
   * A new key and its secret. A caller's key holds no more than the caller, where the caller reaches. Without rules
   * in the request, an environment or account key gets its kind's default narrowed to what the caller holds there,
   * and a user's key gets the caller's own narrowing when the caller is a key of that user; a key for another user
   * needs a caller that holds everything that user holds. Rules in the request are checked the same way.
   */
  async issue(manager: EntityManager, caller: Caller, request: IssueKeyRequest): Promise<IssuedKey> {
    const tx = manager as GrantedTransaction;
    if (isOperator(caller)) return this.issuer.issue(tx, request);
    const { holdings: mine, key: own } = await this.fresh(manager, caller);
    const { scope } = request;
    const rules =
      request.rules !== undefined
        ? request.rules
        : scope.kind === 'user'
          ? scope.userId === caller.userId
            ? (own?.rules ?? null)
            : null
          : this.policies.rulesForKeyMadeBy(mine, scope.kind, scope.kind === 'environment' ? [scope.environmentId] : null);
    const draft: KeyShape = {
      kind: scope.kind,
      rules,
      environmentId: scope.kind === 'environment' ? scope.environmentId : null,
      userId: scope.kind === 'user' ? scope.userId : null,
    };
    this.refuseExcess(await this.keyHoldings(manager, caller.accountId, [draft], 'the new key'), mine, 'would hold');
    return this.issuer.issue(tx, { ...request, rules });
  }

  /** A new secret for `key`, returned once: the caller must hold everything the key holds, and its user holds. */
  async rotate(manager: EntityManager, caller: Caller, key: ApiKeyEntity, graceSeconds: number): Promise<IssuedKey> {
    if (!isOperator(caller)) {
      const { holdings: mine } = await this.fresh(manager, caller);
      if (key.userId !== null && key.userId !== caller.userId)
        this.refuseExcess(await this.users(manager, caller.accountId, [key.userId]), mine, 'holds');
      this.refuseExcess(await this.keyHoldings(manager, caller.accountId, [key]), mine, 'holds');
    }
    const now = new Date();
    const { secret, patch } = this.issuer.rotation(key, graceSeconds, now);
    await this.keys.update(manager as GrantedTransaction, key.accountId, scopeOf(key), key.id, patch, now);
    return { key: Object.assign(key, patch, { updatedAt: now }), secret };
  }

  /**
   * The caller's key and what it holds, as the database holds them now, read as verification reads it (one query).
   * A key gone, disabled or expired meanwhile, or whose user is disabled, holds nothing: unlike the principals it
   * changes, the caller acts now.
   */
  private async fresh(manager: EntityManager, caller: Principal): Promise<{ key: ApiKeyEntity | undefined; holdings: Holdings }> {
    // A person's session holds exactly what their user holds now: a user disabled or gone meanwhile holds nothing.
    if (isSession(caller)) {
      const user = (await this.people.entitlements(manager, caller.accountId, [caller.userId!])).get(caller.userId!);
      const holdings = user?.enabled
        ? this.holdingsOf({ kind: 'user', rules: null, environmentId: null, userId: caller.userId }, [], user)
        : null;
      return { key: undefined, holdings: holdings ?? this.holdsNothing() };
    }
    const row = await this.keys.findForVerification(caller.apiKey, { holdings: this.holdings }, { accountId: caller.accountId, manager });
    if (!row) return { key: undefined, holdings: this.holdsNothing() };
    const { key, parts } = row;
    const usable = key.enabled && !(key.expiresAt && key.expiresAt <= new Date()) && (key.kind !== 'user' || parts.holdings.user);
    return { key, holdings: usable ? this.holdingsOf(key, parts.holdings.rolePolicies, parts.holdings.user) : this.holdsNothing() };
  }

  /** The users and keys a change of `subjects` reaches, as the database holds them now. */
  private async reached(
    manager: EntityManager,
    caller: Principal,
    subjects: GrantSubject[],
  ): Promise<{ userIds: string[]; keys: ApiKeyEntity[] }> {
    const { accountId } = caller;
    const userIds = new Set<string>();
    const keyIds = new Set<string>();
    for (const subject of subjects) {
      if ('user' in subject) userIds.add(subject.user);
      else if ('key' in subject) keyIds.add(subject.key);
      else if ('group' in subject) for (const id of await this.people.groupMembers(manager, accountId, subject.group)) userIds.add(id);
      else {
        const holders = await this.people.roleHolders(manager, accountId, subject.role);
        holders.userIds.forEach((id) => userIds.add(id));
        holders.keyIds.forEach((id) => keyIds.add(id));
      }
    }
    const keys = await this.keys.findByIds(manager, accountId, [...keyIds]);
    // A user key's user is reached too: changing the key of someone who holds more is changing them. A key of the
    // same user is compared with the key alone: a user's keys are the same person, whose narrowing binds what it gets.
    for (const key of keys) if (key.userId !== null && key.userId !== caller.userId) userIds.add(key.userId);
    return { userIds: [...userIds], keys };
  }

  private async users(manager: EntityManager, accountId: string, userIds: string[]): Promise<Held[]> {
    const entitled = await this.people.entitlements(manager, accountId, userIds);
    return [...entitled].map(([id, user]) => ({
      name: `user ${id}`,
      holdings: this.policies.holdings({ kind: 'user', rules: null, userPolicies: user.policies }, user.environmentIds),
      active: user.enabled,
    }));
  }

  /** What keys hold whether or not they are enabled: a disabled key holds it again once enabled. */
  private async keyHoldings(manager: EntityManager, accountId: string, keys: KeyShape[], name?: string): Promise<Held[]> {
    const roles = await this.people.keyRoles(
      manager,
      accountId,
      keys.flatMap((k) => (k.kind !== 'user' && k.id ? [k.id] : [])),
    );
    const users = await this.people.entitlements(
      manager,
      accountId,
      keys.flatMap((k) => (k.userId === null ? [] : [k.userId])),
    );
    const now = new Date();
    return keys.flatMap((key): Held[] => {
      const user = key.userId === null ? null : users.get(key.userId);
      // A user key whose user is gone holds nothing, and is gone with it.
      if (user === undefined) return [];
      const usable = key.enabled !== false && !(key.expiresAt && key.expiresAt <= now) && (user?.enabled ?? true);
      return [
        { name: name ?? `key ${key.apiKey}`, holdings: this.holdingsOf(key, (key.id && roles.get(key.id)) || [], user), active: usable },
      ];
    });
  }

  /** A key's holdings from its rules and roles, or a user key's from its user's privileges and its own rules. */
  private holdingsOf(key: KeyShape, rolePolicies: PolicyRule[][], user: UserPrivileges | null): Holdings {
    if (key.kind === 'user') {
      // Without its user (gone), a user key holds nothing, nowhere.
      return user
        ? this.policies.holdings({ kind: 'user', rules: key.rules, userPolicies: user.policies }, user.environmentIds)
        : this.holdsNothing();
    }
    return this.policies.holdings(
      { kind: key.kind, rules: key.rules, rolePolicies },
      reachOf({ kind: key.kind, environmentId: key.environmentId, environmentIds: null }),
    );
  }

  private holdsNothing(): Holdings {
    return this.policies.holdings({ kind: 'user', rules: HOLDS_NOTHING, userPolicies: [] }, []);
  }

  private refuseExcess(targets: Held[], caller: Holdings, verb: 'holds' | 'would hold' | 'grants'): void {
    for (const target of targets) {
      const excess = this.policies.excess(target.holdings, caller);
      if (excess) throw refusal(excess, target.name, verb);
    }
  }
}

/** A 403 that names what the caller lacks, and who would have held it. */
function refusal(excess: Excess, name: string, verb: string): AppError {
  if (excess.environment === undefined) {
    const message = `Not allowed: ${excess.action} is not held by the caller, and ${name} ${verb} it`;
    return new AppError(ErrorCode.NotAllowed, message, {}, { action: excess.action });
  }
  const where = excess.environment === EVERY_ENVIRONMENT ? 'every product environment' : `product environment ${excess.environment}`;
  return new AppError(
    ErrorCode.NotAllowed,
    `Not allowed: ${excess.action} in ${where} is outside the caller's reach, and ${name} ${verb} it there`,
    {},
    { action: excess.action },
  );
}
