import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Key lifecycle and abuse resistance: expiry, a previous secret kept through a rotation's grace period, IP
 * allowlists and request limits per key; an account's allowlist and key lifetime cap; the reason of an audit
 * event. Plain SQL, valid on both drivers: TypeORM's SQLite addColumn rebuilds the table and would drop the
 * NOCASE collation of key names.
 */
export class KeyLifecycle1732400000000 implements MigrationInterface {
  name = 'KeyLifecycle1732400000000';

  async up(q: QueryRunner): Promise<void> {
    const datetime = q.connection.driver.options.type === 'mysql' ? 'DATETIME(3)' : 'DATETIME';
    await q.query(`ALTER TABLE api_keys ADD COLUMN expires_at ${datetime} NULL`);
    await q.query('ALTER TABLE api_keys ADD COLUMN previous_secret_hash VARCHAR(64) NULL');
    await q.query(`ALTER TABLE api_keys ADD COLUMN previous_secret_expires_at ${datetime} NULL`);
    await q.query('ALTER TABLE api_keys ADD COLUMN allowed_ips TEXT NULL');
    await q.query('ALTER TABLE api_keys ADD COLUMN rate_limit_per_minute INT NULL');
    // A leak report names only secrets: their hashes find the keys.
    await q.query('CREATE INDEX idx_api_keys_secret_hash ON api_keys (secret_hash)');
    await q.query('CREATE INDEX idx_api_keys_previous_secret_hash ON api_keys (previous_secret_hash)');

    await q.query('ALTER TABLE account_security ADD COLUMN allowed_ips TEXT NULL');
    await q.query('ALTER TABLE account_security ADD COLUMN key_max_lifetime_days INT NULL');

    await q.query('ALTER TABLE audit_events ADD COLUMN reason VARCHAR(32) NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE audit_events DROP COLUMN reason');
    await q.query('ALTER TABLE account_security DROP COLUMN key_max_lifetime_days');
    await q.query('ALTER TABLE account_security DROP COLUMN allowed_ips');
    await q.dropIndex('api_keys', 'idx_api_keys_previous_secret_hash');
    await q.dropIndex('api_keys', 'idx_api_keys_secret_hash');
    for (const column of ['rate_limit_per_minute', 'allowed_ips', 'previous_secret_expires_at', 'previous_secret_hash', 'expires_at']) {
      await q.query(`ALTER TABLE api_keys DROP COLUMN ${column}`);
    }
  }
}
