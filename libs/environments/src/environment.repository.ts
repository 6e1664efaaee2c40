import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { EnvironmentDirectory, EnvironmentFilter } from './environment-directory.js';
import { EnvironmentEntity } from './environment.entity.js';

export type EnvironmentPatch = Partial<
  Pick<EnvironmentEntity, 'name' | 'cloudName' | 'description' | 'enabled' | 'usageLimits' | 'customAttributes'>
>;

/** LIKE with '!' as the escape character, spelled out so MySQL and SQLite read it alike. */
const likePrefix = (prefix: string): string => prefix.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`) + '%';

@Injectable()
export class EnvironmentRepository implements EnvironmentDirectory {
  constructor(@InjectRepository(EnvironmentEntity) private readonly environments: Repository<EnvironmentEntity>) {}

  private repo(manager?: EntityManager): Repository<EnvironmentEntity> {
    return manager ? manager.getRepository(EnvironmentEntity) : this.environments;
  }

  async list(accountId: string, filter: EnvironmentFilter, manager?: EntityManager): Promise<EnvironmentEntity[]> {
    if (filter.within?.length === 0) return [];
    const query = this.repo(manager).createQueryBuilder('e').where('e.account_id = :accountId', { accountId });
    if (filter.enabled !== undefined) query.andWhere('e.enabled = :enabled', { enabled: filter.enabled });
    if (filter.ids) query.andWhere('e.id IN (:...ids)', { ids: filter.ids });
    if (filter.within) query.andWhere('e.id IN (:...within)', { within: filter.within });
    if (filter.cloudNames)
      query.andWhere('e.cloud_name IN (:...cloudNames)', { cloudNames: filter.cloudNames.map((c) => c.toLowerCase()) });
    if (filter.namePrefix) query.andWhere("LOWER(e.name) LIKE :prefix ESCAPE '!'", { prefix: likePrefix(filter.namePrefix) });
    return query.orderBy('e.created_at', 'ASC').addOrderBy('e.id', 'ASC').getMany();
  }

  findById(accountId: string, id: string, manager?: EntityManager): Promise<EnvironmentEntity | null> {
    return this.repo(manager).findOne({ where: { accountId, id } });
  }

  findByCloudName(accountId: string, cloudName: string): Promise<EnvironmentEntity | null> {
    return this.environments.findOne({ where: { accountId, cloudName: cloudName.toLowerCase() } });
  }

  countInAccount(manager: EntityManager, accountId: string): Promise<number> {
    return this.repo(manager).count({ where: { accountId } });
  }

  async insert(manager: EntityManager, environment: EnvironmentEntity): Promise<void> {
    await this.repo(manager).insert(environment);
  }

  async update(accountId: string, id: string, patch: EnvironmentPatch, now: Date): Promise<void> {
    await this.environments.update({ accountId, id }, { ...patch, updatedAt: now });
  }

  async delete(manager: EntityManager, accountId: string, id: string): Promise<void> {
    await this.repo(manager).delete({ accountId, id });
  }
}
