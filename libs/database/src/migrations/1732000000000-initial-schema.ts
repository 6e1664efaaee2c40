import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

// Written with TypeORM's Table API rather than raw SQL so that one migration produces the right DDL on
// MySQL/MariaDB and on SQLite alike.

const id = (name: string, length: number) => ({ name, type: 'varchar', length: String(length), isPrimary: true });
const fk = (name: string, length: number, nullable = false) => ({ name, type: 'varchar', length: String(length), isNullable: nullable });
const timestamps = [
  { name: 'created_at', type: 'datetime', precision: 3 },
  { name: 'updated_at', type: 'datetime', precision: 3 },
];

export class InitialSchema1732000000000 implements MigrationInterface {
  name = 'InitialSchema1732000000000';

  async up(q: QueryRunner): Promise<void> {
    // Key names are compared and sorted ignoring case, as MySQL's default collation already does.
    const caseInsensitive = q.connection.driver.options.type === 'mysql' ? {} : { collation: 'NOCASE' };

    await q.createTable(
      new Table({
        name: 'accounts',
        columns: [
          id('id', 36),
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'max_product_environments', type: 'int' },
          // Bumped at the start of a transaction that must serialise with others on the same account.
          { name: 'lock_version', type: 'int', default: 0 },
          ...timestamps,
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'product_environments',
        columns: [
          id('id', 32),
          fk('account_id', 36),
          { name: 'cloud_name', type: 'varchar', length: '64', isUnique: true },
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'description', type: 'varchar', length: '1000', isNullable: true },
          { name: 'enabled', type: 'boolean' },
          { name: 'folder_mode', type: 'varchar', length: '16' },
          { name: 'asset_record_location', type: 'varchar', length: '8' },
          { name: 'usage_limits', type: 'text', isNullable: true },
          { name: 'custom_attributes', type: 'text', isNullable: true },
          ...timestamps,
        ],
        indices: [new TableIndex({ name: 'idx_environments_account', columnNames: ['account_id', 'created_at'] })],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['account_id'],
            referencedTableName: 'accounts',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'api_keys',
        columns: [
          id('id', 32),
          fk('account_id', 36),
          fk('environment_id', 32, true),
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'api_key', type: 'varchar', length: '32', isUnique: true },
          { name: 'secret_hash', type: 'varchar', length: '64' },
          { name: 'name', type: 'varchar', length: '255', ...caseInsensitive },
          { name: 'description', type: 'varchar', length: '1000', isNullable: true },
          { name: 'enabled', type: 'boolean' },
          { name: 'root', type: 'boolean', default: false },
          { name: 'dedicated_for', type: 'varchar', length: '32', isNullable: true },
          ...timestamps,
        ],
        indices: [
          new TableIndex({ name: 'idx_api_keys_account', columnNames: ['account_id', 'kind', 'created_at'] }),
          new TableIndex({ name: 'idx_api_keys_environment', columnNames: ['environment_id', 'created_at'] }),
          new TableIndex({ name: 'idx_api_keys_environment_name', columnNames: ['environment_id', 'name'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['account_id'],
            referencedTableName: 'accounts',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
          new TableForeignKey({
            columnNames: ['environment_id'],
            referencedTableName: 'product_environments',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );

    // One row per one-time event (the first-start bootstrap); its primary key makes the event happen once
    // even when several instances start on an empty database together.
    await q.createTable(
      new Table({
        name: 'system_events',
        columns: [id('name', 64), { name: 'happened_at', type: 'datetime', precision: 3 }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('system_events');
    await q.dropTable('api_keys');
    await q.dropTable('product_environments');
    await q.dropTable('accounts');
  }
}
