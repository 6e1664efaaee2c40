import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { UserPreferencesEntity } from './user-preferences.entity.js';

export type PreferencesPatch = Pick<UserPreferencesEntity, 'language' | 'theme' | 'emailPreferences'>;

/** People's display and e-mail preferences, scoped to one account in every query. */
@Injectable()
export class UserPreferencesRepository {
  constructor(@InjectRepository(UserPreferencesEntity) private readonly preferences: Repository<UserPreferencesEntity>) {}

  find(accountId: string, userId: string, manager?: EntityManager): Promise<UserPreferencesEntity | null> {
    return (manager?.getRepository(UserPreferencesEntity) ?? this.preferences).findOne({ where: { accountId, userId } });
  }

  /** Writes the user's preferences, making their row on the first write; the caller holds the account lock. */
  async save(manager: EntityManager, accountId: string, userId: string, patch: PreferencesPatch): Promise<void> {
    const repo = manager.getRepository(UserPreferencesEntity);
    const updatedAt = new Date();
    const { affected } = await repo.update({ accountId, userId }, { ...patch, updatedAt });
    if (!affected) await repo.insert({ userId, accountId, ...patch, updatedAt });
  }
}
