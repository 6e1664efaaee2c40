import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each key's own policy, on the key's row so that authentication loads it in the same lookup. Plain SQL,
 * valid on both drivers: TypeORM's SQLite addColumn rebuilds the table and would drop the NOCASE collation.
 */
export class KeyPolicies1732100000000 implements MigrationInterface {
  name = 'KeyPolicies1732100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE api_keys ADD COLUMN rules TEXT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE api_keys DROP COLUMN rules');
  }
}
