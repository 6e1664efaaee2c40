import type { EntityManager } from 'typeorm';
import type { UserEntity } from './user.entity.js';

/** What other libraries may ask of users, which this library alone reads and writes. The repository implements it. */
export abstract class UserDirectory {
  abstract findById(accountId: string, id: string, manager?: EntityManager): Promise<UserEntity | null>;
}
