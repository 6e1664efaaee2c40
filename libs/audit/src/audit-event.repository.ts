import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AuditEventEntity } from './audit-event.entity.js';

export interface AuditEventFilter {
  /** Ids at or above this one (the floor of `from`). */
  minId?: string;
  /** Ids below this one (the floor just past `to`). */
  belowId?: string;
  /** Ids below the previous page's last one. */
  cursor?: string;
  actorApiKey?: string;
  action?: string;
  targetId?: string;
}

/** Every read takes the account id and every WHERE carries it: an account never sees another's events. */
@Injectable()
export class AuditEventRepository {
  constructor(@InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>) {}

  async insert(manager: EntityManager, event: AuditEventEntity): Promise<void> {
    await manager.getRepository(AuditEventEntity).insert(event);
  }

  /** Newest first, keyset-paged on the time-sortable id; `limit` rows at most. */
  list(accountId: string, filter: AuditEventFilter, limit: number, manager?: EntityManager): Promise<AuditEventEntity[]> {
    const query = (manager?.getRepository(AuditEventEntity) ?? this.events)
      .createQueryBuilder('e')
      .where('e.account_id = :accountId', { accountId });
    if (filter.minId !== undefined) query.andWhere('e.id >= :minId', { minId: filter.minId });
    if (filter.belowId !== undefined) query.andWhere('e.id < :belowId', { belowId: filter.belowId });
    if (filter.cursor !== undefined) query.andWhere('e.id < :cursor', { cursor: filter.cursor });
    if (filter.actorApiKey !== undefined) query.andWhere('e.actor_api_key = :actor', { actor: filter.actorApiKey });
    if (filter.action !== undefined) query.andWhere('e.action = :action', { action: filter.action });
    if (filter.targetId !== undefined) query.andWhere('e.target_id = :target', { target: filter.targetId });
    return query.orderBy('e.id', 'DESC').limit(limit).getMany();
  }
}
