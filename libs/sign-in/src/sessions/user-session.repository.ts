import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, LessThan, Not, Repository } from 'typeorm';
import { UserSessionEntity, SessionStage } from './user-session.entity.js';

/** Console sessions. Every query but the token lookup (the cookie names no account) is scoped to one account. */
@Injectable()
export class UserSessionRepository {
  constructor(@InjectRepository(UserSessionEntity) private readonly sessions: Repository<UserSessionEntity>) {}

  private repo(manager?: EntityManager): Repository<UserSessionEntity> {
    return manager ? manager.getRepository(UserSessionEntity) : this.sessions;
  }

  async insert(session: UserSessionEntity, manager?: EntityManager): Promise<void> {
    await this.repo(manager).insert(session);
  }

  /** The one unscoped lookup: a cookie names a session, not an account. */
  findByTokenHash(tokenHash: string): Promise<UserSessionEntity | null> {
    return this.sessions.findOne({ where: { tokenHash } });
  }

  findById(accountId: string, id: string): Promise<UserSessionEntity | null> {
    return this.sessions.findOne({ where: { accountId, id } });
  }

  listOfUser(accountId: string, userId: string): Promise<UserSessionEntity[]> {
    return this.sessions.find({ where: { accountId, userId }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  async touch(accountId: string, id: string, at: Date): Promise<void> {
    await this.sessions.update({ accountId, id }, { lastSeenAt: at });
  }

  async setStage(accountId: string, id: string, stage: SessionStage, secondFactorAt?: Date): Promise<void> {
    await this.sessions.update({ accountId, id }, { stage, ...(secondFactorAt ? { secondFactorAt } : {}) });
  }

  /** Deletes sessions; answers the token hashes of those deleted, for the cache to forget. */
  async delete(accountId: string, where: { id?: string; userId?: string; exceptId?: string }, manager?: EntityManager): Promise<string[]> {
    const repo = this.repo(manager);
    const match = {
      accountId,
      ...(where.id !== undefined ? { id: where.id } : {}),
      ...(where.userId !== undefined ? { userId: where.userId } : {}),
      ...(where.exceptId !== undefined ? { id: Not(where.exceptId) } : {}),
    };
    const rows = await repo.find({ where: match, select: { id: true, tokenHash: true } });
    if (rows.length) await repo.delete(rows.map((r) => r.id));
    return rows.map((r) => r.tokenHash);
  }

  /** A user's sessions past their absolute end or idle since `idleSince`: each sign-in sweeps its user's. */
  async deleteEndedOfUser(accountId: string, userId: string, now: Date, idleSince: Date): Promise<void> {
    await this.sessions.delete({ accountId, userId, expiresAt: LessThan(now) });
    await this.sessions.delete({ accountId, userId, lastSeenAt: LessThan(idleSince) });
  }
}
