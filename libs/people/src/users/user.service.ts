import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  AppError,
  ErrorCode,
  isoSeconds,
  isUniqueViolation,
  newRecordId,
  OK,
  OkMessageDto,
  Principal,
  reachOf,
  ReplicaReader,
  USER_INVITATIONS,
} from '@castellan/core';
import type { UserInvitations } from '@castellan/core';
import { AccountTransactions } from '@castellan/accounts';
import { Caller, GrantService, KeyStore, OPERATOR } from '@castellan/credentials';
import { EnvironmentEntity, EnvironmentDirectory } from '@castellan/environments';
import type { SystemRole } from '@castellan/permissions';
import { UserEntity } from './user.entity.js';
import { UserFilter, UserPage, UserRepository } from './user.repository.js';
import {
  CreateUserDto,
  DEFAULT_USER_PAGE_SIZE,
  DEFAULT_USER_ROLE,
  ListUsersDto,
  UpdateUserDto,
  UserDto,
  UserEnvironmentDto,
  UserEnvironmentListDto,
  UserListDto,
} from './dto/user.dto.js';

const MASTER_ADMIN: SystemRole = 'master_admin';

const notFound = (id: string) => AppError.notFound('User', id);
/** Cloudinary's wording for an environment id the account does not have. */
const environmentNotFound = (id: string) => new AppError(ErrorCode.NotFound, `Cannot find sub account with id ${id}`);
const roleNotFound = (id: string) => AppError.notFound('Custom role', id);
const emailTaken = (email: string) => AppError.conflict(`A user with email ${email} already exists in this account`);

const unique = (values: string[]): string[] => [...new Set(values)];

/** A yyyy-mm-dd day as the UTC midnight that starts it; 400 for a day the calendar does not have. */
function startOfDay(field: string, day: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    throw AppError.invalid(`${field} must be a date as yyyy-mm-dd`);
  }
  return date;
}

/** Where a user reaches, as stored: every environment, or the listed ones. */
interface Reach {
  all: boolean;
  /** Replaces the listed environments when defined. */
  environmentIds?: string[];
}

@Injectable()
export class UserService {
  constructor(
    private readonly users: UserRepository,
    private readonly environments: EnvironmentDirectory,
    private readonly accounts: AccountTransactions,
    private readonly keys: KeyStore,
    private readonly grants: GrantService,
    private readonly replicas: ReplicaReader,
    @Inject(USER_INVITATIONS) private readonly invitations: UserInvitations,
  ) {}

  async list(accountId: string, query: ListUsersDto): Promise<UserListDto> {
    const filter: UserFilter = { ids: query.ids, emails: query.emails, pending: query.pending, prefix: query.prefix };
    const from = query.from ? startOfDay('from', query.from) : undefined;
    const to = query.to ? startOfDay('to', query.to) : undefined;
    if (from && to && from > to) throw AppError.invalid('from must not be after to');
    if (query.last_login !== undefined) {
      // "to" is inclusive: the range ends where the next day starts.
      const until = to ? new Date(to.getTime() + 86_400_000) : undefined;
      filter.lastLogin = { loggedIn: query.last_login, from, until };
    }
    return this.replicas.read(async (replica) => {
      if (query.sub_account_id) {
        if (!(await this.environments.findById(accountId, query.sub_account_id, replica))) throw environmentNotFound(query.sub_account_id);
        filter.environmentId = query.sub_account_id;
      }
      const page: UserPage = {
        page: query.page ?? 1,
        pageSize: query.page_size ?? DEFAULT_USER_PAGE_SIZE,
        sortBy: query.sort_by ?? 'created_at',
        sortOrder: query.sort_order ?? 'asc',
      };
      const { rows, total } = await this.users.list(accountId, filter, page, replica);
      return { users: await this.toDtos(accountId, rows, replica), total };
    });
  }

  get(accountId: string, id: string): Promise<UserDto> {
    return this.replicas.read((replica) => this.present(accountId, id, replica));
  }

  /**
   * A new user, holding nothing its creator does not hold, where its creator reaches, and mailed an invitation once
   * it is committed: the link must never name a user that a rolled-back transaction left out.
   */
  create(caller: Principal, input: CreateUserDto): Promise<UserDto> {
    return this.createFor(caller, caller.accountId, input);
  }

  /**
   * The operator's (the CLI's `user invite`): a user made with no key, e.g. the first master admin of an account whose
   * people are all gone, or locked out. There is no caller's holdings to compare, as for the operator's key rescue.
   */
  createAsOperator(accountId: string, input: CreateUserDto): Promise<UserDto> {
    return this.createFor(OPERATOR, accountId, input);
  }

  private async createFor(caller: Caller, accountId: string, input: CreateUserDto): Promise<UserDto> {
    const role = input.role ?? DEFAULT_USER_ROLE;
    const reach = this.reachOf(role, input) ?? { all: true, environmentIds: [] };
    const created = await this.mapEmailConflict(input.email, () =>
      this.accounts.run(accountId, async (manager) => {
        await this.requireEnvironments(manager, accountId, reach.environmentIds ?? []);
        await this.requireCustomRoles(manager, accountId, input.custom_roles ?? []);
        if (await this.users.findByEmail(accountId, input.email, manager)) throw emailTaken(input.email);
        const now = new Date();
        const id = newRecordId();
        const user = Object.assign(new UserEntity(), {
          id,
          accountId,
          name: input.name,
          email: input.email,
          role,
          enabled: input.enabled ?? true,
          pending: true,
          allSubAccounts: reach.all,
          lastLogin: null,
          createdAt: now,
          updatedAt: now,
        } satisfies UserEntity);
        await this.grants.change(manager, caller, { subjects: [{ user: id }], widens: true }, async (tx) => {
          await this.users.insert(tx, user);
          await this.users.replaceEnvironments(tx, accountId, id, reach.environmentIds ?? []);
          await this.users.replaceCustomRoles(tx, accountId, id, unique(input.custom_roles ?? []));
        });
        return this.toDto(user, reach.environmentIds ?? [], unique(input.custom_roles ?? []).sort());
      }),
    );
    await this.invitations.invite(accountId, created.id);
    return created;
  }

  /**
   * Changes a user who holds no more than the caller; a change of role, custom roles, reach or enabling leaves the
   * user holding no more than the caller either.
   */
  async update(caller: Principal, id: string, input: UpdateUserDto): Promise<UserDto> {
    const accountId = caller.accountId;
    const emailChanged = await this.mapEmailConflict(input.email, () =>
      this.accounts.run(accountId, async (manager) => {
        // The lock comes first, so the master-admin count below sees every earlier change of the account.
        const current = await this.require(accountId, id, manager);
        const role = input.role ?? current.role;
        const enabled = input.enabled ?? current.enabled;
        if (current.role === MASTER_ADMIN && current.enabled && (role !== MASTER_ADMIN || !enabled)) {
          await this.requireAnotherMasterAdmin(manager, accountId, current, role !== MASTER_ADMIN ? 'demote' : 'disable');
        }
        const reach = this.reachOf(role, input, current);
        if (reach?.environmentIds) await this.requireEnvironments(manager, accountId, reach.environmentIds);
        if (input.custom_roles) await this.requireCustomRoles(manager, accountId, input.custom_roles);
        if (input.email) {
          const holder = await this.users.findByEmail(accountId, input.email, manager);
          if (holder && holder.id !== id) throw emailTaken(input.email);
        }
        const widens =
          input.role !== undefined ||
          input.custom_roles !== undefined ||
          reach !== undefined ||
          (input.enabled === true && !current.enabled);
        await this.grants.change(manager, caller, { subjects: [{ user: id }], widens }, async (tx) => {
          const patch = { name: input.name, email: input.email, role: input.role, enabled: input.enabled, allSubAccounts: reach?.all };
          await this.users.update(tx, accountId, id, patch, new Date());
          if (reach?.environmentIds) await this.users.replaceEnvironments(tx, accountId, id, reach.environmentIds);
          if (input.custom_roles) await this.users.replaceCustomRoles(tx, accountId, id, unique(input.custom_roles));
        });
        return input.email !== undefined && input.email !== current.email;
      }),
    );
    // Links mailed to the old address must not outlive it: whoever reads that mailbox now is not the user.
    if (emailChanged) await this.invitations.emailChanged(accountId, id);
    // From the primary: the answer shows this change.
    return this.present(accountId, id);
  }

  /** Deletes a user who holds no more than the caller. */
  async delete(caller: Principal, id: string): Promise<OkMessageDto> {
    const accountId = caller.accountId;
    await this.accounts.run(accountId, async (manager) => {
      const user = await this.require(accountId, id, manager);
      if (user.role === MASTER_ADMIN && user.enabled) await this.requireAnotherMasterAdmin(manager, accountId, user, 'delete');
      await this.grants.change(manager, caller, { subjects: [{ user: id }], widens: false }, async (tx) => {
        // The user's personal keys stop with the user.
        await this.keys.deleteAllOfUser(tx, accountId, id);
        await this.users.delete(tx, accountId, id);
      });
    });
    return OK;
  }

  /**
   * The environments the user reaches (every one of the account for master admins and users of all environments),
   * among those the caller reaches: what the caller may not read directly, it does not learn here either.
   */
  environmentsOf(caller: Principal, id: string): Promise<UserEnvironmentListDto> {
    const accountId = caller.accountId;
    return this.replicas.read(async (replica) => {
      const user = await this.require(accountId, id, replica);
      const within = reachOf(caller);
      let rows: EnvironmentEntity[];
      if (user.role === MASTER_ADMIN || user.allSubAccounts) {
        rows = await this.environments.list(accountId, { within }, replica);
      } else {
        const ids = (await this.users.environmentIds(accountId, [id], replica)).get(id) ?? [];
        rows = ids.length ? await this.environments.list(accountId, { ids, within }, replica) : [];
      }
      return {
        sub_accounts: rows.map((e): UserEnvironmentDto => ({
          id: e.id,
          name: e.name,
          description: e.description,
          cloud_name: e.cloudName,
          enabled: e.enabled,
        })),
      };
    });
  }

  /**
   * What the request makes of the user's reach, or undefined for no change. master_admin reaches everything;
   * otherwise sub_account_ids lists environments and all_sub_accounts=true gives all of them back.
   */
  private reachOf(role: SystemRole, input: UpdateUserDto, current?: UserEntity): Reach | undefined {
    if (input.all_sub_accounts === true && input.sub_account_ids) {
      throw AppError.invalid('Give either sub_account_ids or all_sub_accounts=true, not both');
    }
    if (role === MASTER_ADMIN)
      return current?.role === MASTER_ADMIN && current.allSubAccounts ? undefined : { all: true, environmentIds: [] };
    if (input.sub_account_ids) return { all: false, environmentIds: unique(input.sub_account_ids) };
    if (input.all_sub_accounts === true) return { all: true, environmentIds: [] };
    if (input.all_sub_accounts === false) return current && !current.allSubAccounts ? undefined : { all: false, environmentIds: [] };
    return undefined;
  }

  /** 409 unless the account has an enabled master admin besides this one (the caller holds the account lock). */
  private async requireAnotherMasterAdmin(
    manager: EntityManager,
    accountId: string,
    user: UserEntity,
    change: 'delete' | 'disable' | 'demote',
  ): Promise<void> {
    if ((await this.users.countEnabledMasterAdmins(manager, accountId)) > 1) return;
    throw AppError.conflict(
      `Cannot ${change} user ${user.id}: it is the account's last enabled master_admin, and an account must keep one`,
    );
  }

  private async requireEnvironments(manager: EntityManager, accountId: string, ids: string[]): Promise<void> {
    for (const id of ids) {
      if (!(await this.environments.findById(accountId, id, manager))) throw environmentNotFound(id);
    }
  }

  private async requireCustomRoles(manager: EntityManager, accountId: string, ids: string[]): Promise<void> {
    const found = await this.users.existingCustomRoleIds(accountId, unique(ids), manager);
    const missing = ids.find((id) => !found.has(id));
    if (missing) throw roleNotFound(missing);
  }

  private async require(accountId: string, id: string, manager?: EntityManager): Promise<UserEntity> {
    const user = await this.users.findById(accountId, id, manager);
    if (!user) throw notFound(id);
    return user;
  }

  /** Emails are unique per account ignoring case; the index settles races the check above cannot see. */
  private async mapEmailConflict<T>(email: string | undefined, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken(email ?? '');
      throw error;
    }
  }

  private async present(accountId: string, id: string, manager?: EntityManager): Promise<UserDto> {
    const [dto] = await this.toDtos(accountId, [await this.require(accountId, id, manager)], manager);
    return dto!;
  }

  private async toDtos(accountId: string, rows: UserEntity[], manager?: EntityManager): Promise<UserDto[]> {
    const ids = rows.map((u) => u.id);
    const [environments, roles] = await Promise.all([
      this.users.environmentIds(accountId, ids, manager),
      this.users.customRoleIds(accountId, ids, manager),
    ]);
    return rows.map((u) => this.toDto(u, environments.get(u.id) ?? [], roles.get(u.id) ?? []));
  }

  private toDto(u: UserEntity, environmentIds: string[], customRoles: string[]): UserDto {
    const all = u.role === MASTER_ADMIN || u.allSubAccounts;
    return {
      id: u.id,
      name: u.name,
      email: u.email,
      role: u.role,
      enabled: u.enabled,
      pending: u.pending,
      sub_account_ids: all ? [] : [...environmentIds].sort(),
      all_sub_accounts: all,
      custom_roles: customRoles,
      last_login: u.lastLogin ? isoSeconds(u.lastLogin) : null,
      created_at: isoSeconds(u.createdAt),
      updated_at: isoSeconds(u.updatedAt),
    };
  }
}
