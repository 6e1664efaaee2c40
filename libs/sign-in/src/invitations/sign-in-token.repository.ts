import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { SignInTokenEntity, TokenPurpose } from './sign-in-token.entity.js';

/** Invitation and password reset links. Every query but the token lookup (a link names no account) is scoped to one account. */
@Injectable()
export class SignInTokenRepository {
  constructor(@InjectRepository(SignInTokenEntity) private readonly tokens: Repository<SignInTokenEntity>) {}

  /** The one unscoped lookup: a link carries its token, not its account. */
  findByHash(tokenHash: string, purpose: TokenPurpose): Promise<SignInTokenEntity | null> {
    return this.tokens.findOne({ where: { tokenHash, purpose } });
  }

  /** Inserts the token in place of the user's earlier ones of its purpose. */
  async replace(manager: EntityManager, token: SignInTokenEntity): Promise<void> {
    await this.delete(manager, token.accountId, token.userId, [token.purpose]);
    await manager.getRepository(SignInTokenEntity).insert(token);
  }

  /** Deletes one token; true only for the call that deleted it, so that two uses at once make one. */
  async take(manager: EntityManager, accountId: string, id: string): Promise<boolean> {
    const { affected } = await manager.getRepository(SignInTokenEntity).delete({ accountId, id });
    return (affected ?? 0) > 0;
  }

  async delete(manager: EntityManager, accountId: string, userId: string, purposes: readonly TokenPurpose[]): Promise<void> {
    await manager.getRepository(SignInTokenEntity).delete({ accountId, userId, purpose: In([...purposes]) });
  }
}
