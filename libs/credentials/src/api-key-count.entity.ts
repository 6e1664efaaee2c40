import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { KeyKind } from '@castellan/core';

/**
 * The number of keys in one key list, kept by ApiKeyRepository with every insert and delete of a key, in the
 * same transaction: a page's total is one row read, where counting the list would read every key of it.
 */
@Entity('api_key_counts')
export class ApiKeyCountEntity {
  @PrimaryColumn({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  kind!: KeyKind;

  /** The environment's or the user's id; '' for the account's own keys. */
  @PrimaryColumn({ name: 'scope_id', type: 'varchar', length: 32 })
  scopeId!: string;

  @Column({ name: 'key_count', type: 'int' })
  keyCount!: number;
}
