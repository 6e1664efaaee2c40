import { Logger } from '@nestjs/common';
import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';
import { uniquenessKey } from '@castellan/core';

/** The names that must be unique, and among what: a user's email per account, a role's name, a key's name per list. */
const UNIQUE_NAMES = [
  { table: 'users', column: 'email', key: 'email_key', within: ['account_id'] },
  { table: 'roles', column: 'name', key: 'name_key', within: ['account_id'] },
  { table: 'api_keys', column: 'name', key: 'name_key', within: ['account_id', 'kind', 'environment_id', 'user_id'] },
] as const;

type Row = Record<string, string | null> & { id: string };

/**
 * Names and e-mail addresses are unique after Unicode normalization and case folding, the same rule on both
 * databases (before, SQLite's NOCASE folded ASCII only, and MySQL's collation folded case and accents; neither
 * normalized). Each table gets a key column, `uniquenessKey` of the name, which lookups and unique indexes use.
 *
 * Rows the new rule makes duplicates (`Élise@…` beside `élise@…`, made on SQLite; `café` typed two ways) are kept
 * as they are: the oldest keeps the name's key, and each later one gets a key no name can have (the folded name and
 * its own id), so nothing is lost or renamed, it stays reachable by id and can be renamed, and a lookup by name
 * finds the oldest. Each is reported in the log. MySQL's old unique indexes, which folded accents too, give way to
 * indexes on the keys; SQLite's NOCASE ones stay, since everything they refuse the new rule refuses as well.
 */
export class UnicodeNames1732700000000 implements MigrationInterface {
  name = 'UnicodeNames1732700000000';

  async up(q: QueryRunner): Promise<void> {
    const mysql = q.connection.driver.options.type === 'mysql';
    const log = new Logger('Migration UnicodeNames');
    for (const { table, column, key, within } of UNIQUE_NAMES) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN ${key} VARCHAR(64) ${mysql ? 'CHARACTER SET ascii COLLATE ascii_bin ' : ''}NULL`);
      const rows = (await q.query(`SELECT id, ${column}, ${within.join(', ')} FROM ${table} ORDER BY created_at, id`)) as Row[];
      const taken = new Set<string>();
      for (const row of rows) {
        const value = row[column] ?? '';
        const scope = within.map((name) => row[name] ?? '').join('\u0001');
        let keyed = uniquenessKey(value);
        if (taken.has(`${scope}\u0001${keyed}`)) {
          keyed = uniquenessKey(`${value}\u0001${row.id}`);
          log.warn(`${table} ${row.id}: its ${column} is the same as an older one's under the new rule; kept as it is, reachable by id`);
        }
        taken.add(`${scope}\u0001${keyed}`);
        await q.query(`UPDATE ${table} SET ${key} = ? WHERE id = ?`, [keyed, row.id]);
      }
    }
    // Filled in: now every row has its key.
    if (mysql)
      for (const { table, key } of UNIQUE_NAMES)
        await q.query(`ALTER TABLE ${table} MODIFY ${key} VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL`);
    await q.createIndex('users', new TableIndex({ name: 'uq_users_email_key', columnNames: ['account_id', 'email_key'], isUnique: true }));
    await q.createIndex('roles', new TableIndex({ name: 'uq_roles_name_key', columnNames: ['account_id', 'name_key'], isUnique: true }));
    await q.createIndex(
      'api_keys',
      new TableIndex({ name: 'idx_api_keys_name_key', columnNames: ['account_id', 'kind', 'environment_id', 'user_id', 'name_key'] }),
    );
    if (mysql) {
      await q.query('ALTER TABLE users DROP INDEX uq_users_email');
      await q.query('ALTER TABLE roles DROP INDEX uq_roles_name');
    }
  }

  async down(q: QueryRunner): Promise<void> {
    const mysql = q.connection.driver.options.type === 'mysql';
    // Fails where the rule let in names that only the old collation refuses (`elise@…` beside `élise@…` on MySQL).
    if (mysql) {
      await q.query('ALTER TABLE users ADD CONSTRAINT uq_users_email UNIQUE (account_id, email)');
      await q.query('ALTER TABLE roles ADD CONSTRAINT uq_roles_name UNIQUE (account_id, name)');
    }
    await q.dropIndex('api_keys', 'idx_api_keys_name_key');
    await q.dropIndex('roles', 'uq_roles_name_key');
    await q.dropIndex('users', 'uq_users_email_key');
    for (const { table, key } of UNIQUE_NAMES) await q.query(`ALTER TABLE ${table} DROP COLUMN ${key}`);
  }
}
