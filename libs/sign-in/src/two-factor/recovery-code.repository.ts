import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { newRecordId } from '@castellan/core';
import { RecoveryCodeEntity } from './recovery-code.entity.js';

/** Users' recovery codes, as hashes, scoped to one account in every query. */
@Injectable()
export class RecoveryCodeRepository {
  constructor(@InjectRepository(RecoveryCodeEntity) private readonly codes: Repository<RecoveryCodeEntity>) {}

  /** Replaces the user's set with these hashes; the caller holds the account lock. */
  async replace(manager: EntityManager, accountId: string, userId: string, codeHashes: readonly string[]): Promise<void> {
    const repo = manager.getRepository(RecoveryCodeEntity);
    await repo.delete({ accountId, userId });
    const createdAt = new Date();
    await repo.insert(codeHashes.map((codeHash) => ({ id: newRecordId(), accountId, userId, codeHash, usedAt: null, createdAt })));
  }

  async deleteOfUser(manager: EntityManager, accountId: string, userId: string): Promise<void> {
    await manager.getRepository(RecoveryCodeEntity).delete({ accountId, userId });
  }

  /**
   * Uses the code with this hash up: true only for the one request whose conditional update marks it used, so that
   * a code sent twice at once works once.
   */
  async use(accountId: string, userId: string, codeHash: string): Promise<boolean> {
    const { affected } = await this.codes.update({ accountId, userId, codeHash, usedAt: IsNull() }, { usedAt: new Date() });
    return (affected ?? 0) > 0;
  }

  countUnused(accountId: string, userId: string): Promise<number> {
    return this.codes.count({ where: { accountId, userId, usedAt: IsNull() } });
  }
}
