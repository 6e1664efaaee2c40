import { Injectable } from '@nestjs/common';
import { AppError } from '@castellan/core';
import type { GrantedTransaction } from '@castellan/core';
import { RoleAssignmentRepository } from './role-assignment.repository.js';
import { RoleRepository } from './role.repository.js';

/** The custom roles a key holds, for the library that manages keys: role_assignments stay this library's. */
@Injectable()
export class KeyRoles {
  constructor(
    private readonly roles: RoleRepository,
    private readonly assignments: RoleAssignmentRepository,
  ) {}

  async of(accountId: string, keyId: string): Promise<string[]> {
    return (await this.assignments.heldBy(accountId, { key: [keyId] })).map((a) => a.roleId);
  }

  /** Refuses, naming the first, ids that are no custom role of the account. */
  async requireExisting(accountId: string, roleIds: string[]): Promise<void> {
    const roles = await this.roles.findByIds(accountId, roleIds);
    const missing = roleIds.find((id) => !roles.some((r) => r.id === id));
    if (missing) throw AppError.notFound('Custom role', missing);
  }

  /** What a key holds: only inside the grant invariant's check. */
  replace(tx: GrantedTransaction, accountId: string, keyId: string, roleIds: string[]): Promise<void> {
    return this.assignments.replace(tx, accountId, 'key', keyId, roleIds);
  }
}
