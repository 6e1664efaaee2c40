import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, EntityManager, In, Repository } from 'typeorm';
import { uniquenessKey } from '@castellan/core';
import type { GrantedTransaction } from '@castellan/core';
import { RoleAssignmentRepository } from '../roles/role-assignment.repository.js';
import { RoleEntity } from '../roles/role.entity.js';
import { UserEnvironmentEntity } from './user-environment.entity.js';
import { UserDirectory } from './user-directory.js';
import { UserEntity } from './user.entity.js';

export type UserSortColumn = 'name' | 'role' | 'status' | 'activity' | 'created_at';

export interface UserFilter {
  ids?: string[];
  emails?: string[];
  pending?: boolean;
  prefix?: string;
  /** Users who reach this environment (already known to belong to the account). */
  environmentId?: string;
  /** Logged in (true) or not (false) within [from, until). */
  lastLogin?: { loggedIn: boolean; from?: Date; until?: Date };
}

export interface UserPage {
  page: number;
  pageSize: number;
  sortBy: UserSortColumn;
  sortOrder: 'asc' | 'desc';
}

export type UserPatch = Partial<Pick<UserEntity, 'name' | 'email' | 'role' | 'enabled' | 'allSubAccounts'>>;

/** LIKE with '!' as the escape character, spelled out so MySQL and SQLite read it alike. */
const likePrefix = (prefix: string): string => prefix.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`) + '%';

/** System roles, most privileged first: the order of sort_by=role. */
const ROLE_RANK = ['master_admin', 'admin', 'technical_admin', 'billing', 'reports', 'media_library_admin', 'media_library_user'];
const ROLE_ORDER = `CASE u.role ${ROLE_RANK.map((r, i) => `WHEN '${r}' THEN ${i}`).join(' ')} ELSE ${ROLE_RANK.length} END`;
/** Active, then pending, then disabled. */
const STATUS_ORDER = 'CASE WHEN u.enabled = 0 THEN 2 WHEN u.pending = 1 THEN 1 ELSE 0 END';

const SORT_EXPRESSIONS: Record<UserSortColumn, string> = {
  name: 'LOWER(u.name)',
  role: ROLE_ORDER,
  status: STATUS_ORDER,
  activity: 'u.last_login',
  created_at: 'u.created_at',
};

/** Users, the environments they reach and the custom roles they hold. Every query is scoped to one account. */
@Injectable()
export class UserRepository implements UserDirectory {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(UserEnvironmentEntity) private readonly userEnvironments: Repository<UserEnvironmentEntity>,
    private readonly assignments: RoleAssignmentRepository,
    @InjectRepository(RoleEntity) private readonly roles: Repository<RoleEntity>,
  ) {}

  private repo(manager?: EntityManager): Repository<UserEntity> {
    return manager ? manager.getRepository(UserEntity) : this.users;
  }

  async list(
    accountId: string,
    filter: UserFilter,
    page: UserPage,
    manager?: EntityManager,
  ): Promise<{ rows: UserEntity[]; total: number }> {
    const query = this.repo(manager).createQueryBuilder('u').where('u.account_id = :accountId', { accountId });
    if (filter.ids) query.andWhere('u.id IN (:...ids)', { ids: filter.ids });
    if (filter.emails) query.andWhere('u.email_key IN (:...emails)', { emails: filter.emails.map(uniquenessKey) });
    if (filter.pending !== undefined) query.andWhere('u.pending = :pending', { pending: filter.pending });
    if (filter.prefix) {
      const prefix = likePrefix(filter.prefix);
      query.andWhere("(LOWER(u.name) LIKE :prefix ESCAPE '!' OR LOWER(u.email) LIKE :prefix ESCAPE '!')", { prefix });
    }
    if (filter.environmentId) {
      query.andWhere(
        new Brackets((q) =>
          q
            .where("u.role = 'master_admin'")
            .orWhere('u.all_sub_accounts = :all', { all: true })
            .orWhere(
              'EXISTS (SELECT 1 FROM user_environments ue ' +
                'WHERE ue.user_id = u.id AND ue.account_id = :accountId AND ue.environment_id = :environmentId)',
              { environmentId: filter.environmentId },
            ),
        ),
      );
    }
    if (filter.lastLogin) {
      const { loggedIn, from, until } = filter.lastLogin;
      const within = [
        'u.last_login IS NOT NULL',
        ...(from ? ['u.last_login >= :from'] : []),
        ...(until ? ['u.last_login < :until'] : []),
      ].join(' AND ');
      query.andWhere(loggedIn ? `(${within})` : `NOT (${within})`, { ...(from ? { from } : {}), ...(until ? { until } : {}) });
    }
    const total = await query.getCount();
    const order = page.sortOrder === 'asc' ? 'ASC' : 'DESC';
    // The creation time and then the id break ties, so that pages never overlap.
    query.orderBy(SORT_EXPRESSIONS[page.sortBy], order);
    if (page.sortBy !== 'created_at') query.addOrderBy('u.created_at', order);
    const rows = await query
      .addOrderBy('u.id', order)
      .offset((page.page - 1) * page.pageSize)
      .limit(page.pageSize)
      .getMany();
    return { rows, total };
  }

  findById(accountId: string, id: string, manager?: EntityManager): Promise<UserEntity | null> {
    return this.repo(manager).findOne({ where: { accountId, id } });
  }

  findByIds(accountId: string, ids: string[], manager?: EntityManager): Promise<UserEntity[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.repo(manager).find({ where: { accountId, id: In(ids) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** The user with this email in the account, compared after normalization and case folding. */
  findByEmail(accountId: string, email: string, manager?: EntityManager): Promise<UserEntity | null> {
    return this.repo(manager).findOne({ where: { accountId, emailKey: uniquenessKey(email) } });
  }

  /**
   * Users with this email in every account: the one lookup that is not scoped to an account, because a person signing
   * in names no account. The sign-in checks the password of each before it tells anything about any.
   */
  findByEmailInEveryAccount(email: string): Promise<UserEntity[]> {
    return this.users.find({ where: { emailKey: uniquenessKey(email) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** A person signed in (or accepted an invitation): no longer pending, and this is their last login. */
  async markSignedIn(accountId: string, id: string, at: Date, manager?: EntityManager): Promise<void> {
    await this.repo(manager).update({ accountId, id }, { pending: false, lastLogin: at });
  }

  countEnabledMasterAdmins(manager: EntityManager, accountId: string): Promise<number> {
    return this.repo(manager).count({ where: { accountId, role: 'master_admin', enabled: true } });
  }

  // Writes of what a user holds (its role, enabling, reach, custom roles) and of the user itself happen only inside
  // the grant invariant's check, which hands out the GrantedTransaction they take.

  async insert(manager: GrantedTransaction, user: UserEntity): Promise<void> {
    await this.repo(manager).insert({ ...user, emailKey: uniquenessKey(user.email) });
  }

  async update(manager: GrantedTransaction, accountId: string, id: string, patch: UserPatch, now: Date): Promise<void> {
    const emailKey = patch.email === undefined ? undefined : uniquenessKey(patch.email);
    await this.repo(manager).update({ accountId, id }, { ...patch, emailKey, updatedAt: now });
  }

  /** Removes the user with its environments and custom roles (group memberships go with the row). */
  async delete(manager: GrantedTransaction, accountId: string, id: string): Promise<void> {
    await this.assignments.deleteOf(manager, accountId, 'user', id);
    await manager.getRepository(UserEnvironmentEntity).delete({ accountId, userId: id });
    await this.repo(manager).delete({ accountId, id });
  }

  /** The environment ids each user lists (users of all environments list none). */
  async environmentIds(accountId: string, userIds: string[], manager?: EntityManager): Promise<Map<string, string[]>> {
    const byUser = new Map<string, string[]>();
    if (!userIds.length) return byUser;
    const repo = manager ? manager.getRepository(UserEnvironmentEntity) : this.userEnvironments;
    const rows = await repo.find({ where: { accountId, userId: In(userIds) }, order: { environmentId: 'ASC' } });
    for (const row of rows) byUser.set(row.userId, [...(byUser.get(row.userId) ?? []), row.environmentId]);
    return byUser;
  }

  async replaceEnvironments(manager: GrantedTransaction, accountId: string, userId: string, environmentIds: string[]): Promise<void> {
    const repo = manager.getRepository(UserEnvironmentEntity);
    await repo.delete({ accountId, userId });
    if (environmentIds.length) await repo.insert(environmentIds.map((environmentId) => ({ accountId, userId, environmentId })));
  }

  /** The custom role ids each user holds directly. */
  async customRoleIds(accountId: string, userIds: string[], manager?: EntityManager): Promise<Map<string, string[]>> {
    const byUser = new Map<string, string[]>();
    const rows = await this.assignments.heldBy(accountId, { user: userIds }, manager);
    for (const row of rows) byUser.set(row.holderId, [...(byUser.get(row.holderId) ?? []), row.roleId]);
    return byUser;
  }

  replaceCustomRoles(manager: GrantedTransaction, accountId: string, userId: string, roleIds: string[]): Promise<void> {
    return this.assignments.replace(manager, accountId, 'user', userId, roleIds);
  }

  /** Which of these ids are custom roles of the account. */
  async existingCustomRoleIds(accountId: string, roleIds: string[], manager?: EntityManager): Promise<Set<string>> {
    if (!roleIds.length) return new Set();
    const repo = manager ? manager.getRepository(RoleEntity) : this.roles;
    const rows = await repo.find({ select: { id: true }, where: { accountId, id: In(roleIds) } });
    return new Set(rows.map((r) => r.id));
  }
}
