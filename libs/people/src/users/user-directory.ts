import type { EntityManager } from 'typeorm';
import type { UserEntity } from './user.entity.js';

/** What other libraries may ask of users, which this library alone reads and writes. The repository implements it. */
export abstract class UserDirectory {
  abstract findById(accountId: string, id: string, manager?: EntityManager): Promise<UserEntity | null>;
  abstract findByEmail(accountId: string, email: string, manager?: EntityManager): Promise<UserEntity | null>;
  /** Users with this email in every account, oldest first: for a person signing in, who names no account. */
  abstract findByEmailInEveryAccount(email: string): Promise<UserEntity[]>;
  /** The user is no longer pending, and `at` is their last login. */
  abstract markSignedIn(accountId: string, id: string, at: Date, manager?: EntityManager): Promise<void>;
}
