import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

// The audit log. Table API, like the other migrations, so one migration serves MySQL and SQLite. No foreign
// keys: events outlive the accounts, keys and records they describe.

const text = (name: string, length: number, isNullable = false) => ({ name, type: 'varchar', length: String(length), isNullable });

export class AuditEvents1732300000000 implements MigrationInterface {
  name = 'AuditEvents1732300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'audit_events',
        columns: [
          // Time-sortable (12 hex digits of milliseconds, 20 random): newest first is ORDER BY id DESC.
          { ...text('id', 32), isPrimary: true },
          text('account_id', 36, true),
          text('actor_api_key', 32, true),
          text('actor_kind', 16, true),
          text('actor_user_id', 32, true),
          text('ip', 64),
          text('action', 128),
          text('target_type', 32, true),
          text('target_id', 64, true),
          text('outcome', 16),
          { name: 'status', type: 'int' },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [new TableIndex({ name: 'idx_audit_events_account', columnNames: ['account_id', 'id'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('audit_events');
  }
}
