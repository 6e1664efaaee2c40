import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

// People (users, groups, roles), user API keys, account security and support verification codes.
// Table API, like the initial schema, so one migration serves MySQL and SQLite.

const id = (name: string, length: number) => ({ name, type: 'varchar', length: String(length), isPrimary: true });
const ref = (name: string, length: number, isPrimary = false, isNullable = false) => ({
  name,
  type: 'varchar',
  length: String(length),
  isPrimary,
  isNullable,
});
const timestamps = [
  { name: 'created_at', type: 'datetime', precision: 3 },
  { name: 'updated_at', type: 'datetime', precision: 3 },
];
const cascade = (column: string, table: string) =>
  new TableForeignKey({ columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'], onDelete: 'CASCADE' });

export class PeopleAndSecurity1732200000000 implements MigrationInterface {
  name = 'PeopleAndSecurity1732200000000';

  async up(q: QueryRunner): Promise<void> {
    const caseInsensitive = q.connection.driver.options.type === 'mysql' ? {} : { collation: 'NOCASE' };

    await q.createTable(
      new Table({
        name: 'users',
        columns: [
          id('id', 32),
          ref('account_id', 36),
          { name: 'name', type: 'varchar', length: '255' },
          // Unique per account ignoring case: NOCASE on SQLite, the default collation on MySQL.
          { name: 'email', type: 'varchar', length: '255', ...caseInsensitive },
          { name: 'role', type: 'varchar', length: '32' },
          { name: 'enabled', type: 'boolean' },
          { name: 'pending', type: 'boolean' },
          { name: 'all_sub_accounts', type: 'boolean' },
          { name: 'last_login', type: 'datetime', precision: 3, isNullable: true },
          ...timestamps,
        ],
        uniques: [{ name: 'uq_users_email', columnNames: ['account_id', 'email'] }],
        indices: [new TableIndex({ name: 'idx_users_account', columnNames: ['account_id', 'created_at'] })],
        foreignKeys: [cascade('account_id', 'accounts')],
      }),
    );

    await q.createTable(
      new Table({
        name: 'user_environments',
        columns: [ref('user_id', 32, true), ref('environment_id', 32, true), ref('account_id', 36)],
        foreignKeys: [cascade('user_id', 'users'), cascade('environment_id', 'product_environments')],
      }),
    );

    await q.createTable(
      new Table({
        name: 'roles',
        columns: [
          id('id', 32),
          ref('account_id', 36),
          { name: 'name', type: 'varchar', length: '255', ...caseInsensitive },
          { name: 'description', type: 'varchar', length: '1000', isNullable: true },
          { name: 'rules', type: 'text' },
          ...timestamps,
        ],
        uniques: [{ name: 'uq_roles_name', columnNames: ['account_id', 'name'] }],
        foreignKeys: [cascade('account_id', 'accounts')],
      }),
    );

    await q.createTable(
      new Table({
        name: 'user_groups',
        columns: [
          id('id', 32),
          ref('account_id', 36),
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'rules', type: 'text', isNullable: true },
          ...timestamps,
        ],
        indices: [new TableIndex({ name: 'idx_user_groups_account', columnNames: ['account_id', 'created_at'] })],
        foreignKeys: [cascade('account_id', 'accounts')],
      }),
    );

    await q.createTable(
      new Table({
        name: 'user_group_members',
        columns: [
          ref('group_id', 32, true),
          ref('user_id', 32, true),
          ref('account_id', 36),
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [new TableIndex({ name: 'idx_group_members_user', columnNames: ['user_id'] })],
        foreignKeys: [cascade('group_id', 'user_groups'), cascade('user_id', 'users')],
      }),
    );

    // Which custom roles a user, a group or a key holds (system roles are code, named in users.role).
    await q.createTable(
      new Table({
        name: 'role_assignments',
        columns: [
          ref('role_id', 32, true),
          { name: 'holder_type', type: 'varchar', length: '16', isPrimary: true },
          ref('holder_id', 32, true),
          ref('account_id', 36),
        ],
        indices: [new TableIndex({ name: 'idx_role_assignments_holder', columnNames: ['holder_type', 'holder_id'] })],
        foreignKeys: [cascade('role_id', 'roles')],
      }),
    );

    await q.query('ALTER TABLE api_keys ADD COLUMN user_id VARCHAR(32) NULL');
    await q.query('ALTER TABLE api_keys ADD COLUMN last_used_at DATETIME(3) NULL');
    await q.query('ALTER TABLE api_keys ADD COLUMN last_used_ip VARCHAR(64) NULL');
    await q.query('CREATE INDEX idx_api_keys_user ON api_keys (user_id, created_at)');

    await q.createTable(
      new Table({
        name: 'account_security',
        columns: [
          ref('account_id', 36, true),
          { name: 'two_factor', type: 'varchar', length: '16' },
          { name: 'saml_enabled', type: 'boolean' },
          { name: 'saml_idp_entity_id', type: 'varchar', length: '1000', isNullable: true },
          { name: 'saml_sso_url', type: 'varchar', length: '2000', isNullable: true },
          { name: 'saml_certificate', type: 'text', isNullable: true },
          { name: 'sso_required', type: 'boolean' },
          { name: 'updated_at', type: 'datetime', precision: 3 },
        ],
        foreignKeys: [cascade('account_id', 'accounts')],
      }),
    );

    await q.createTable(
      new Table({
        name: 'verification_codes',
        columns: [
          id('id', 32),
          ref('account_id', 36),
          ref('user_id', 32),
          { name: 'code_hash', type: 'varchar', length: '64' },
          { name: 'attempts', type: 'int', default: 0 },
          { name: 'expires_at', type: 'datetime', precision: 3 },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [new TableIndex({ name: 'idx_verification_codes_user', columnNames: ['account_id', 'user_id', 'created_at'] })],
        foreignKeys: [cascade('user_id', 'users')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('verification_codes');
    await q.dropTable('account_security');
    await q.dropIndex('api_keys', 'idx_api_keys_user');
    for (const column of ['last_used_ip', 'last_used_at', 'user_id']) await q.query(`ALTER TABLE api_keys DROP COLUMN ${column}`);
    await q.dropTable('role_assignments');
    await q.dropTable('user_group_members');
    await q.dropTable('user_groups');
    await q.dropTable('roles');
    await q.dropTable('user_environments');
    await q.dropTable('users');
  }
}
