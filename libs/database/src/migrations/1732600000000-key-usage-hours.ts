import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * Key usage counts: per key and UTC hour, requests allowed and denied. The primary key is what a flush's upsert
 * adds on (ON DUPLICATE KEY / ON CONFLICT), and its order is the index that reads one key's last 7 days: the
 * key's rows, by hour. Pruning deletes by hour alone, across keys, through idx_key_usage_hours_hour. No
 * foreign keys: counts of a key deleted meanwhile must not fail a flush, and they go with the pruning.
 */
const text = (name: string, length: number) => ({ name, type: 'varchar', length: String(length), isPrimary: true });

export class KeyUsageHours1732600000000 implements MigrationInterface {
  name = 'KeyUsageHours1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'key_usage_hours',
        columns: [
          text('account_id', 36),
          text('api_key', 32),
          { name: 'hour_start', type: 'datetime', isPrimary: true },
          { name: 'allowed', type: 'int', default: 0 },
          { name: 'denied', type: 'int', default: 0 },
        ],
        indices: [new TableIndex({ name: 'idx_key_usage_hours_hour', columnNames: ['hour_start'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('key_usage_hours');
  }
}
