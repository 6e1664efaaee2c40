import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { UserCredentialEntity } from './user-credential.entity.js';

export type CredentialPatch = Partial<Omit<UserCredentialEntity, 'userId' | 'accountId' | 'updatedAt'>>;

/** Users' passwords and TOTP secrets, scoped to one account in every query. */
@Injectable()
export class UserCredentialRepository {
  constructor(@InjectRepository(UserCredentialEntity) private readonly credentials: Repository<UserCredentialEntity>) {}

  private repo(manager?: EntityManager): Repository<UserCredentialEntity> {
    return manager ? manager.getRepository(UserCredentialEntity) : this.credentials;
  }

  find(accountId: string, userId: string, manager?: EntityManager): Promise<UserCredentialEntity | null> {
    return this.repo(manager).findOne({ where: { accountId, userId } });
  }

  /** Writes the fields given, making the user's row on its first write. */
  async patch(accountId: string, userId: string, patch: CredentialPatch, manager?: EntityManager): Promise<void> {
    const repo = this.repo(manager);
    const updatedAt = new Date();
    const { affected } = await repo.update({ accountId, userId }, { ...patch, updatedAt });
    if (affected) return;
    await repo.insert({
      userId,
      accountId,
      passwordHash: null,
      passwordChangedAt: null,
      totpSecret: null,
      totpEnabledAt: null,
      totpLastStep: null,
      ...patch,
      updatedAt,
    });
  }

  /**
   * Accepts TOTP time step `step` once: true only for the request that moves the last accepted step past it, so
   * that a code seen over a shoulder, or sent twice at once, works once.
   */
  async takeTotpStep(accountId: string, userId: string, step: number): Promise<boolean> {
    const result = await this.credentials
      .createQueryBuilder()
      .update(UserCredentialEntity)
      .set({ totpLastStep: step })
      .where('account_id = :accountId AND user_id = :userId', { accountId, userId })
      .andWhere('(totp_last_step IS NULL OR totp_last_step < :step)', { step })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
