import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, LessThan, MoreThanOrEqual, Repository } from 'typeorm';
import { KeyUsageHourEntity } from './key-usage-hour.entity.js';

/** Rows per INSERT: 5 parameters each, within SQLite's oldest limit of 999 parameters per statement. */
const ROWS_PER_STATEMENT = 100;

/** Adds the new row's counts to the stored ones, so that every instance's flush adds to what the others wrote. */
const ADD_ON_CONFLICT = {
  mysql: 'ON DUPLICATE KEY UPDATE allowed = allowed + VALUES(allowed), denied = denied + VALUES(denied)',
  sqlite:
    'ON CONFLICT (account_id, api_key, hour_start) DO UPDATE SET allowed = allowed + excluded.allowed, denied = denied + excluded.denied',
};

/**
 * Every read takes the account id and every WHERE carries it. Writes come from the flush, whose rows carry their
 * account ids; pruning is the one unscoped statement, by age alone.
 */
@Injectable()
export class KeyUsageRepository {
  constructor(@InjectRepository(KeyUsageHourEntity) private readonly hours: Repository<KeyUsageHourEntity>) {}

  /** Adds each row's counts to its stored row, or stores it: one upsert per ROWS_PER_STATEMENT rows. */
  async add(manager: EntityManager, rows: KeyUsageHourEntity[]): Promise<void> {
    const { driver } = manager.connection;
    const metadata = manager.connection.getMetadata(KeyUsageHourEntity);
    // Raw SQL takes no entity values: the hour is converted as TypeORM stores it (a UTC text on SQLite).
    const hourColumn = metadata.findColumnWithPropertyName('hourStart')!;
    const conflict = manager.connection.options.type === 'mysql' ? ADD_ON_CONFLICT.mysql : ADD_ON_CONFLICT.sqlite;
    for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
      const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
      const values = chunk.map(() => '(?, ?, ?, ?, ?)').join(', ');
      const parameters = chunk.flatMap((r) => [
        r.accountId,
        r.apiKey,
        driver.preparePersistentValue(r.hourStart, hourColumn),
        r.allowed,
        r.denied,
      ]);
      await manager.query(
        `INSERT INTO ${metadata.tableName} (account_id, api_key, hour_start, allowed, denied) VALUES ${values} ${conflict}`,
        parameters,
      );
    }
  }

  /** One key's stored hours from `from` on, oldest first. */
  listForKey(accountId: string, apiKey: string, from: Date): Promise<KeyUsageHourEntity[]> {
    return this.hours.find({ where: { accountId, apiKey, hourStart: MoreThanOrEqual(from) }, order: { hourStart: 'ASC' } });
  }

  /** Unscoped: retention is by age, whatever the account. */
  async deleteBefore(manager: EntityManager, cutoff: Date): Promise<void> {
    await manager.getRepository(KeyUsageHourEntity).delete({ hourStart: LessThan(cutoff) });
  }
}
