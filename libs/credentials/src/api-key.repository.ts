import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, FindOptionsWhere, In, Repository } from 'typeorm';
import { sqlDialectOf, uniquenessKey } from '@castellan/core';
import type { GrantedTransaction, KeyKind, KeyQueryPart } from '@castellan/core';
import { ApiKeyCountEntity } from './api-key-count.entity.js';
import { ApiKeyEntity } from './api-key.entity.js';
import { KeyPage, KeyPatch, KeyScope, KeySortField, KeyStore, scopeOf } from './key-store.js';

/** The parts of a key's verification query, by the name their values come back under. */
export type KeyQueryParts = Record<string, KeyQueryPart<unknown>>;

/** A key as verification reads it, with what each part read of it. */
export interface VerificationRow<P extends KeyQueryParts> {
  key: ApiKeyEntity;
  parts: { [N in keyof P]: P[N] extends KeyQueryPart<infer T> ? T : never };
}

const SORT_COLUMNS: Record<KeySortField, keyof ApiKeyEntity> = {
  api_key: 'apiKey',
  created_at: 'createdAt',
  name: 'name',
  enabled: 'enabled',
};

function scoped(accountId: string, scope: KeyScope): FindOptionsWhere<ApiKeyEntity> {
  switch (scope.kind) {
    case 'account':
      return { accountId, kind: 'account' };
    case 'environment':
      return { accountId, kind: 'environment', environmentId: scope.environmentId };
    case 'user':
      return { accountId, kind: 'user', userId: scope.userId };
  }
}

/** The api_key_counts row of a list of keys. */
function countOf(accountId: string, scope: KeyScope): Omit<ApiKeyCountEntity, 'keyCount'> {
  const scopeId = scope.kind === 'environment' ? scope.environmentId : scope.kind === 'user' ? scope.userId : '';
  return { accountId, kind: scope.kind, scopeId };
}

/**
 * Every method but the authentication-time lookups takes the account id, and every WHERE carries it. Every
 * insert and delete of keys here also keeps api_key_counts, which nothing else writes.
 */
@Injectable()
export class ApiKeyRepository implements KeyStore {
  constructor(@InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>) {}

  private repo(manager?: EntityManager): Repository<ApiKeyEntity> {
    return manager ? manager.getRepository(ApiKeyEntity) : this.keys;
  }

  private counts(manager?: EntityManager): Repository<ApiKeyCountEntity> {
    return (manager ?? this.keys.manager).getRepository(ApiKeyCountEntity);
  }

  /**
   * Adds to a list's count. A list's row is made with its first key, which is made with its environment or its
   * account, or under the account lock (KeyManager): no other transaction can make the same row meanwhile.
   */
  private async addToCount(manager: EntityManager, accountId: string, scope: KeyScope, keys: number): Promise<void> {
    const row = countOf(accountId, scope);
    const { affected } = await this.counts(manager).increment(row, 'keyCount', keys);
    if (!affected) await this.counts(manager).insert({ ...row, keyCount: keys });
  }

  /** Unscoped: at authentication time the account is what we are trying to learn. */
  findForAuthentication(apiKey: string): Promise<ApiKeyEntity | null> {
    return this.keys.findOne({ where: { apiKey } });
  }

  /**
   * A key and what `parts` read of it, in one query: what verification and decisions need of the key's account,
   * environment, roles and user is SQL of the libraries that own those tables (see KeyQueryPart), which this
   * library cannot depend on, so that a verification cache miss costs one round trip. Unscoped like
   * findForAuthentication, unless the caller knows the account. With `manager`, in that transaction (the grant
   * invariant reads its caller so).
   */
  async findForVerification<P extends KeyQueryParts>(
    apiKey: string,
    parts: P,
    options: { accountId?: string; manager?: EntityManager } = {},
  ): Promise<VerificationRow<P> | null> {
    const keys = this.repo(options.manager);
    const dialect = sqlDialectOf(keys.manager.connection);
    const query = keys.createQueryBuilder('k').where('k.api_key = :apiKey', { apiKey });
    if (options.accountId !== undefined) query.andWhere('k.account_id = :accountId', { accountId: options.accountId });
    // Nothing else stops two parts from joining under one alias, which SQL may accept and misread.
    const joined = new Set(['k']);
    const selected = Object.entries(parts).map(([name, part]) => {
      for (const join of part.joins?.('k') ?? []) {
        if (joined.has(join.alias)) throw new Error(`Two parts of a key's verification join under the alias ${join.alias}`);
        joined.add(join.alias);
        query.leftJoin(join.table, join.alias, join.on);
      }
      // Prefixed with the part's name, so that the columns of two parts cannot meet, nor the key's own.
      const columns = part.columns('k', dialect);
      for (const { sql, alias } of columns) query.addSelect(sql, `${name}_${alias}`);
      return { name, part, aliases: columns.map((column) => column.alias) };
    });
    const { entities, raw } = await query.getRawAndEntities<Record<string, unknown>>();
    const key = entities[0];
    const row = raw[0];
    if (!key || !row) return null;
    const read = selected.map(({ name, part, aliases }) => {
      const own = Object.fromEntries(aliases.map((alias) => [alias, row[`${name}_${alias}`]]));
      return [name, part.read(own, key)];
    });
    return { key, parts: Object.fromEntries(read) as VerificationRow<P>['parts'] };
  }

  /**
   * Unscoped like authentication: a leak report names no account and no api_key, only secrets, and the hash
   * of a secret is the proof. The keys the secret is the current or the previous secret of.
   */
  findBySecretHash(kind: KeyKind, hash: string): Promise<ApiKeyEntity[]> {
    return this.keys.find({
      where: [
        { kind, secretHash: hash },
        { kind, previousSecretHash: hash },
      ],
    });
  }

  /**
   * One page, sorted by the sort column then the id, so that pages never overlap when the sort column has equal
   * values. The total is the list's api_key_counts row; the page's ids are read from the list's index alone (see
   * the KeyLists migration), and only the page's rows are read in full. An OFFSET still walks the index entries
   * it skips, so a page past the middle is read from the other end, in the opposite order: the last page costs
   * what the first does. Keyset paging would skip nothing, but the wire format pages by number, not by cursor.
   */
  async list(accountId: string, scope: KeyScope, page: KeyPage, manager?: EntityManager): Promise<{ rows: ApiKeyEntity[]; total: number }> {
    const where = scoped(accountId, scope);
    const keys = this.repo(manager);
    const total = (await this.counts(manager).findOneBy(countOf(accountId, scope)))?.keyCount ?? 0;
    const offset = (page.page - 1) * page.pageSize;
    const size = Math.min(page.pageSize, total - offset);
    if (size <= 0) return { rows: [], total };
    const column = SORT_COLUMNS[page.sortBy];
    const order = page.sortOrder === 'asc' ? 'ASC' : 'DESC';
    const fromEnd = total - offset - size;
    const backwards = fromEnd < offset;
    const readOrder = backwards ? (order === 'ASC' ? 'DESC' : 'ASC') : order;
    const rows = await keys
      .createQueryBuilder('k')
      .innerJoin(
        (ids) =>
          ids
            .select('p.id', 'id')
            .addSelect(`p.${column}`, 'sort_value')
            .from(ApiKeyEntity, 'p')
            .where(where)
            .orderBy(`p.${column}`, readOrder)
            .addOrderBy('p.id', readOrder)
            .limit(size)
            .offset(backwards ? fromEnd : offset),
        'page',
        'page.id = k.id',
      )
      .where({ accountId })
      // Sorted by the page's own columns: MySQL then sorts the page of ids before the join, not the joined rows.
      .orderBy('page.sort_value', order)
      .addOrderBy('page.id', order)
      .getMany();
    return { rows, total };
  }

  listEnabledForEnvironments(accountId: string, environmentIds: string[], manager?: EntityManager): Promise<ApiKeyEntity[]> {
    if (environmentIds.length === 0) return Promise.resolve([]);
    return this.repo(manager).find({
      where: { accountId, kind: 'environment', environmentId: In(environmentIds), enabled: true },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  /** The account's keys among `ids`, of any kind; ids of other accounts or of no key are left out. */
  findByIds(manager: EntityManager, accountId: string, ids: readonly string[]): Promise<ApiKeyEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.repo(manager).find({ where: { accountId, id: In([...new Set(ids)]) }, order: { id: 'ASC' } });
  }

  findByApiKey(accountId: string, scope: KeyScope, apiKey: string, manager?: EntityManager): Promise<ApiKeyEntity | null> {
    return this.repo(manager).findOne({ where: { ...scoped(accountId, scope), apiKey } });
  }

  /** Any kind of key of the account, for the security team's simulator and for leak response. */
  findAnyInAccount(accountId: string, apiKey: string, manager?: EntityManager): Promise<ApiKeyEntity | null> {
    return this.repo(manager).findOne({ where: { accountId, apiKey } });
  }

  /** The key of the scope with this name, compared after normalization and case folding. */
  findByName(accountId: string, scope: KeyScope, name: string, manager?: EntityManager): Promise<ApiKeyEntity | null> {
    return this.repo(manager).findOne({ where: { ...scoped(accountId, scope), nameKey: uniquenessKey(name) } });
  }

  countEnabled(accountId: string, scope: KeyScope, manager: EntityManager): Promise<number> {
    return this.repo(manager).count({ where: { ...scoped(accountId, scope), enabled: true } });
  }

  /** Making a key gives its holder a secret: only inside the grant invariant's check (GrantService). */
  async insert(manager: GrantedTransaction, key: ApiKeyEntity): Promise<void> {
    await this.repo(manager).insert({ ...key, nameKey: uniquenessKey(key.name) });
    await this.addToCount(manager, key.accountId, scopeOf(key), 1);
  }

  /** Rules, enabling and secrets are what a key holds: changed only inside the grant invariant's check (GrantService). */
  async update(manager: GrantedTransaction, accountId: string, scope: KeyScope, id: string, patch: KeyPatch, now: Date): Promise<void> {
    const nameKey = patch.name === undefined ? undefined : uniquenessKey(patch.name);
    await this.repo(manager).update({ ...scoped(accountId, scope), id }, { ...patch, nameKey, updatedAt: now });
  }

  /** Takes a purpose away from every key of the environment but one, so exactly one key holds it. */
  async clearDedication(manager: EntityManager, accountId: string, environmentId: string, purpose: string, now: Date): Promise<void> {
    await this.repo(manager).update(
      { ...scoped(accountId, { kind: 'environment', environmentId }), dedicatedFor: purpose },
      { dedicatedFor: null, updatedAt: now },
    );
  }

  async delete(manager: EntityManager, accountId: string, scope: KeyScope, id: string): Promise<void> {
    const { affected } = await this.repo(manager).delete({ ...scoped(accountId, scope), id });
    if (affected) await this.addToCount(manager, accountId, scope, -affected);
  }

  /** Last-use records, written in batches off the request path. */
  async recordUse(manager: EntityManager, accountId: string, id: string, at: Date, ip: string): Promise<void> {
    await this.repo(manager).update({ accountId, id }, { lastUsedAt: at, lastUsedIp: ip });
  }

  async deleteAllOfUser(manager: EntityManager, accountId: string, userId: string): Promise<void> {
    await this.deleteList(manager, accountId, { kind: 'user', userId });
  }

  async deleteAllOfEnvironment(manager: EntityManager, accountId: string, environmentId: string): Promise<void> {
    await this.deleteList(manager, accountId, { kind: 'environment', environmentId });
  }

  private async deleteList(manager: EntityManager, accountId: string, scope: KeyScope): Promise<void> {
    await this.repo(manager).delete(scoped(accountId, scope));
    await this.counts(manager).delete(countOf(accountId, scope));
  }
}
