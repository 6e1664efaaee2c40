import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Indexes for listing keys: one per scope of a list (the account's own keys, an environment's, a user's) and
 * sort field, holding the scope's columns, then the sort column, then the id that breaks its ties. A page is then
 * read in index order from its first row, the OFFSET and the total are counted in the index alone, and the
 * SQLite planner picks the index without statistics, because no other index matches as many columns and the
 * ORDER BY. The name index sorts with the column's collation (NOCASE on SQLite), as the list does.
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

export class KeyListIndexes1732500000000 implements MigrationInterface {
  name = 'KeyListIndexes1732500000000';

  // Created before the old ones are dropped, so that the foreign key on account_id always has an index on MySQL.
  async up(q: QueryRunner): Promise<void> {
    for (const index of listIndexes()) await q.createIndex('api_keys', index);
    for (const index of supersededIndexes()) await q.dropIndex('api_keys', index);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of supersededIndexes()) await q.createIndex('api_keys', index);
    for (const index of listIndexes()) await q.dropIndex('api_keys', index);
  }
}
