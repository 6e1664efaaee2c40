import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

// People signing in: passwords and second factors, recovery codes, console sessions, invitation and reset links,
// accepted SAML assertions, and My Profile's preferences. Table API, so one migration serves MySQL and SQLite.

const varchar = (name: string, length: number, extra: { isPrimary?: boolean; isNullable?: boolean } = {}) => ({
  name,
  type: 'varchar',
  length: String(length),
  ...extra,
});
const datetime = (name: string, isNullable = false) => ({ name, type: 'datetime', precision: 3, isNullable });
const cascade = (column: string, table: string) =>
  new TableForeignKey({ columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'], onDelete: 'CASCADE' });
// Every row of these tables belongs to a user, and goes with them.
const ofUser = [cascade('user_id', 'users'), cascade('account_id', 'accounts')];

export class PeopleSignIn1732800000000 implements MigrationInterface {
  name = 'PeopleSignIn1732800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'user_credentials',
        columns: [
          varchar('user_id', 32, { isPrimary: true }),
          varchar('account_id', 36),
          varchar('password_hash', 255, { isNullable: true }),
          datetime('password_changed_at', true),
          { name: 'totp_secret', type: 'text', isNullable: true },
          datetime('totp_enabled_at', true),
          { name: 'totp_last_step', type: 'int', isNullable: true },
          datetime('updated_at'),
        ],
        foreignKeys: ofUser,
      }),
    );
    await q.createTable(
      new Table({
        name: 'recovery_codes',
        columns: [
          varchar('id', 32, { isPrimary: true }),
          varchar('account_id', 36),
          varchar('user_id', 32),
          varchar('code_hash', 64),
          datetime('used_at', true),
          datetime('created_at'),
        ],
        indices: [new TableIndex({ name: 'idx_recovery_codes_user', columnNames: ['account_id', 'user_id'] })],
        foreignKeys: ofUser,
      }),
    );
    await q.createTable(
      new Table({
        name: 'user_sessions',
        columns: [
          varchar('id', 32, { isPrimary: true }),
          varchar('token_hash', 64),
          varchar('account_id', 36),
          varchar('user_id', 32),
          varchar('method', 16),
          varchar('stage', 16),
          varchar('ip', 64),
          varchar('user_agent', 255),
          datetime('created_at'),
          datetime('last_seen_at'),
          datetime('second_factor_at', true),
          datetime('expires_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_user_sessions_token', columnNames: ['token_hash'], isUnique: true }),
          new TableIndex({ name: 'idx_user_sessions_user', columnNames: ['account_id', 'user_id'] }),
        ],
        foreignKeys: ofUser,
      }),
    );
    await q.createTable(
      new Table({
        name: 'sign_in_tokens',
        columns: [
          varchar('id', 32, { isPrimary: true }),
          varchar('token_hash', 64),
          varchar('account_id', 36),
          varchar('user_id', 32),
          varchar('purpose', 16),
          datetime('created_at'),
          datetime('expires_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_sign_in_tokens_token', columnNames: ['token_hash'], isUnique: true }),
          new TableIndex({ name: 'idx_sign_in_tokens_user', columnNames: ['account_id', 'user_id', 'purpose'] }),
        ],
        foreignKeys: ofUser,
      }),
    );
    await q.createTable(
      new Table({
        name: 'saml_assertions',
        columns: [varchar('account_id', 36, { isPrimary: true }), varchar('id_hash', 64, { isPrimary: true }), datetime('expires_at')],
        indices: [new TableIndex({ name: 'idx_saml_assertions_expiry', columnNames: ['expires_at'] })],
        foreignKeys: [cascade('account_id', 'accounts')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'user_preferences',
        columns: [
          varchar('user_id', 32, { isPrimary: true }),
          varchar('account_id', 36),
          varchar('language', 35),
          varchar('theme', 8),
          { name: 'email_preferences', type: 'text' },
          datetime('updated_at'),
        ],
        foreignKeys: ofUser,
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['user_preferences', 'saml_assertions', 'sign_in_tokens', 'user_sessions', 'recovery_codes', 'user_credentials']) {
      await q.dropTable(table);
    }
  }
}
