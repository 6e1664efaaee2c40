import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, MoreThanOrEqual, Repository } from 'typeorm';
import { VerificationCodeEntity } from './verification-code.entity.js';

@Injectable()
export class VerificationCodeRepository {
  constructor(@InjectRepository(VerificationCodeEntity) private readonly codes: Repository<VerificationCodeEntity>) {}

  /** The user's codes give way to the new one. Callers hold the account lock, so a user has one code at most. */
  async replace(manager: EntityManager, code: VerificationCodeEntity): Promise<void> {
    const repo = manager.getRepository(VerificationCodeEntity);
    await repo.delete({ accountId: code.accountId, userId: code.userId });
    await repo.insert(code);
  }

  findLatest(accountId: string, userId: string): Promise<VerificationCodeEntity | null> {
    return this.codes.findOne({ where: { accountId, userId }, order: { createdAt: 'DESC' } });
  }

  /**
   * Counts one attempt against the code unless it has had `max` already. One atomic UPDATE, so concurrent
   * guesses cannot exceed the budget: each comparison first wins an attempt here.
   */
  async takeAttempt(accountId: string, id: string, max: number): Promise<boolean> {
    const result = await this.codes
      .createQueryBuilder()
      .update(VerificationCodeEntity)
      .set({ attempts: () => 'attempts + 1' })
      .where('account_id = :accountId AND id = :id AND attempts < :max', { accountId, id, max })
      .execute();
    return result.affected === 1;
  }

  /** Burns a code; false when it was already gone (another request burnt it first). */
  async delete(accountId: string, id: string): Promise<boolean> {
    const result = await this.codes.delete({ accountId, id });
    return result.affected === 1;
  }

  async deleteIfExhausted(accountId: string, id: string, max: number): Promise<void> {
    await this.codes.delete({ accountId, id, attempts: MoreThanOrEqual(max) });
  }
}
