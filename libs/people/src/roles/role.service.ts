import { Injectable } from '@nestjs/common';
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
  ReplicaReader,
  TransactionRunner,
} from '@castellan/core';
import { AccountTransactions } from '@castellan/accounts';
import { GrantService } from '@castellan/credentials';
import { PermissionCatalog, SYSTEM_ROLE_RULES, SYSTEM_ROLES, validatePolicy } from '@castellan/permissions';
import type { SystemRole } from '@castellan/permissions';
import { RoleEntity } from './role.entity.js';
import { RoleAssignmentRepository } from './role-assignment.repository.js';
import { RoleRepository } from './role.repository.js';
import { CreateRoleDto, RoleDto, RoleListDto, UpdateRoleDto } from './dto/role.dto.js';

export const isSystemRole = (id: string): id is SystemRole => (SYSTEM_ROLES as readonly string[]).includes(id);

const notFound = (id: string) => AppError.notFound('Role', id);
const readOnly = () => new AppError(ErrorCode.NotAllowed, 'System roles are read-only');

const systemDto = (name: SystemRole): RoleDto => ({
  id: name,
  name,
  description: SYSTEM_ROLE_RULES[name].description,
  rules: SYSTEM_ROLE_RULES[name].rules,
  system: true,
});

const customDto = (r: RoleEntity): RoleDto => ({
  id: r.id,
  name: r.name,
  description: r.description,
  rules: r.rules,
  system: false,
  created_at: isoSeconds(r.createdAt),
  updated_at: isoSeconds(r.updatedAt),
});

/**
 * Custom roles: named sets of rules of one account, held by users, groups or keys. System roles are code
 * (libs/permissions) and read-only. Nobody can put into a role an action they do not hold themselves, nor change
 * the rules of a role held by someone who holds more than they do (the grant invariant, GrantService).
 */
@Injectable()
export class RoleService {
  constructor(
    private readonly roles: RoleRepository,
    private readonly assignments: RoleAssignmentRepository,
    private readonly accounts: AccountTransactions,
    private readonly transactions: TransactionRunner,
    private readonly catalog: PermissionCatalog,
    private readonly grants: GrantService,
    private readonly replicas: ReplicaReader,
  ) {}

  async list(accountId: string): Promise<RoleListDto> {
    const custom = await this.replicas.read((replica) => this.roles.list(accountId, replica));
    return { roles: [...SYSTEM_ROLES.map(systemDto), ...custom.map(customDto)] };
  }

  async get(accountId: string, id: string): Promise<RoleDto> {
    if (isSystemRole(id)) return systemDto(id);
    return customDto(await this.replicas.read((replica) => this.require(accountId, id, replica)));
  }

  async create(caller: Principal, input: CreateRoleDto): Promise<RoleDto> {
    const rules = validatePolicy({ rules: input.rules }, this.catalog);
    this.checkNotSystemName(input.name);
    const now = new Date();
    const role = Object.assign(new RoleEntity(), {
      id: newRecordId(),
      accountId: caller.accountId,
      name: input.name,
      description: input.description ?? null,
      rules,
      createdAt: now,
      updatedAt: now,
    } satisfies RoleEntity);
    const stores = [{ owner: 'the new role', rules }];
    await this.mapNameConflict(input.name, () =>
      this.transactions.run((manager) =>
        this.grants.change(manager, caller, { subjects: [], widens: true, stores }, (tx) => this.roles.insert(tx, role)),
      ),
    );
    return customDto(role);
  }

  /** New rules change every holder at once: each must then hold nothing the caller does not, and hold no more before. */
  async update(caller: Principal, id: string, input: UpdateRoleDto): Promise<RoleDto> {
    if (isSystemRole(id)) throw readOnly();
    const rules = input.rules === undefined ? undefined : validatePolicy({ rules: input.rules }, this.catalog);
    if (input.name !== undefined) this.checkNotSystemName(input.name);
    const change = rules
      ? { subjects: [{ role: id }], widens: true, stores: [{ owner: `role ${id}`, rules }] }
      : { subjects: [], widens: false };
    await this.mapNameConflict(input.name, () =>
      this.accounts.run(caller.accountId, async (manager) => {
        // Under the account lock: who holds the role cannot change between the check and the write.
        await this.require(caller.accountId, id, manager);
        await this.grants.change(manager, caller, change, (tx) =>
          this.roles.update(tx, caller.accountId, id, { name: input.name, description: input.description, rules }, new Date()),
        );
      }),
    );
    // From the primary: the answer shows this change.
    return customDto(await this.require(caller.accountId, id));
  }

  /** A role that anyone holds stays: deleting it would silently take privileges away. */
  async delete(accountId: string, id: string): Promise<OkMessageDto> {
    if (isSystemRole(id)) throw readOnly();
    await this.accounts.run(accountId, async (manager) => {
      // Assignments are made under the same lock, so none can appear between the check and the delete.
      const role = await this.roles.findById(accountId, id, manager);
      if (!role) throw notFound(id);
      const holder = await this.assignments.firstHolderOf(manager, accountId, id);
      if (holder) throw AppError.conflict(`Role "${role.name}" is held by ${holder.holderType} ${holder.holderId}`);
      await this.roles.delete(manager, accountId, id);
    });
    return OK;
  }

  private async require(accountId: string, id: string, manager?: EntityManager): Promise<RoleEntity> {
    const role = await this.roles.findById(accountId, id, manager);
    if (!role) throw notFound(id);
    return role;
  }

  private checkNotSystemName(name: string): void {
    const taken = SYSTEM_ROLES.find((system) => system === name.toLowerCase());
    if (taken) throw AppError.conflict(`Role name "${name}" is the name of a system role`);
  }

  /** The name is the roles table's only unique column besides the id, so a violation is a taken name. */
  private async mapNameConflict<T>(name: string | undefined, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error)) throw AppError.conflict(`A role named "${name ?? ''}" already exists`);
      throw error;
    }
  }
}
