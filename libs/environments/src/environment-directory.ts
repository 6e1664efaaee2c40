import type { EntityManager } from 'typeorm';
import type { EnvironmentEntity } from './environment.entity.js';

export interface EnvironmentFilter {
  enabled?: boolean;
  ids?: string[];
  /** Only these (a caller's reach); null or absent: every one. */
  within?: readonly string[] | null;
  cloudNames?: string[];
  namePrefix?: string;
}

/**
 * What other libraries may ask of product_environments, which this library alone reads and writes: lookups of an
 * account's environments. The repository implements it; others inject this, never the repository.
 */
export abstract class EnvironmentDirectory {
  abstract findById(accountId: string, id: string, manager?: EntityManager): Promise<EnvironmentEntity | null>;
  abstract findByCloudName(accountId: string, cloudName: string): Promise<EnvironmentEntity | null>;
  abstract list(accountId: string, filter: EnvironmentFilter, manager?: EntityManager): Promise<EnvironmentEntity[]>;
}
