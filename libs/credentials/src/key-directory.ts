import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApiKeyRepository } from './api-key.repository.js';

/** Which keys exist, for libraries whose own tables name keys by id (the holders of custom roles). */
@Injectable()
export class KeyDirectory {
  constructor(private readonly keys: ApiKeyRepository) {}

  /** The ids among `ids` of the account's keys, of any kind; ids of other accounts' keys or of no key are left out. */
  async existingKeyIds(manager: EntityManager, accountId: string, ids: readonly string[]): Promise<Set<string>> {
    return new Set((await this.keys.findByIds(manager, accountId, ids)).map((key) => key.id));
  }
}
