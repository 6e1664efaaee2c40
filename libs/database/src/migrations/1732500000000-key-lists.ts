import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/**
 * Key lists (the account's own keys, an environment's, a user's) read a page without reading the whole list.
 *
 * An index per list and sort field holds the list's columns, then the sort column, then the id that breaks its
 * ties. A page is read in index order from its first row, an OFFSET skips index entries rather than rows, and the
 * SQLite planner picks the index without statistics, because no other index matches as many columns and the
 * ORDER BY. The name index sorts with the column's collation (NOCASE on SQLite), as the list does.
 *
 * api_key_counts holds each list's number of keys, kept with every insert and delete of a key, because a page
 * answers with its list's total and counting 10,000 index entries takes MySQL about as long as reading 10,000
 * rows. scope_id is the environment's or the user's id, and '' for the account's own keys.
 */
const SCOPES = {
  account: ['account_id', 'kind'],
  environment: ['account_id', 'kind', 'environment_id'],
  user: ['account_id', 'kind', 'user_id'],
};
const SORT_COLUMNS = ['created_at', 'name', 'api_key', 'enabled'];

const listIndexes = () =>
  Object.entries(SCOPES).flatMap(([scope, columns]) =>
    SORT_COLUMNS.map((sort) => new TableIndex({ name: `idx_api_keys_list_${scope}_${sort}`, columnNames: [...columns, sort, 'id'] })),
  );

/**
 * Superseded by the list indexes, which start with the same columns. idx_api_keys_environment stays: MySQL's
 * foreign key to product_environments needs an index that starts with environment_id.
 */
const supersededIndexes = () => [
  new TableIndex({ name: 'idx_api_keys_account', columnNames: ['account_id', 'kind', 'created_at'] }),
  new TableIndex({ name: 'idx_api_keys_environment_name', columnNames: ['environment_id', 'name'] }),
  new TableIndex({ name: 'idx_api_keys_user', columnNames: ['user_id', 'created_at'] }),
];

const text = (name: string, length: number) => ({ name, type: 'varchar', length: String(length), isPrimary: true });

export class KeyLists1732500000000 implements MigrationInterface {
  name = 'KeyLists1732500000000';

  async up(q: QueryRunner): Promise<void> {
    // Created before the old ones are dropped, so that the foreign key on account_id always has an index on MySQL.
    for (const index of listIndexes()) await q.createIndex('api_keys', index);
    for (const index of supersededIndexes()) await q.dropIndex('api_keys', index);

    await q.createTable(
      new Table({
        name: 'api_key_counts',
        columns: [text('account_id', 36), text('kind', 16), text('scope_id', 32), { name: 'key_count', type: 'int' }],
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
    const scopeId = "COALESCE(environment_id, user_id, '')";
    await q.query(
      `INSERT INTO api_key_counts (account_id, kind, scope_id, key_count) ` +
        `SELECT account_id, kind, ${scopeId}, COUNT(*) FROM api_keys GROUP BY account_id, kind, ${scopeId}`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('api_key_counts');
    for (const index of supersededIndexes()) await q.createIndex('api_keys', index);
    for (const index of listIndexes()) await q.dropIndex('api_keys', index);
  }
}
