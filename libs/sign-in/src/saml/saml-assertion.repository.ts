import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThanOrEqual, Repository } from 'typeorm';
import { isUniqueViolation } from '@castellan/core';
import { SamlAssertionEntity } from './saml-assertion.entity.js';

/** The assertions each account accepted, by the SHA-256 of their ID, until they could no longer be accepted anyway. */
@Injectable()
export class SamlAssertionRepository {
  constructor(@InjectRepository(SamlAssertionEntity) private readonly assertions: Repository<SamlAssertionEntity>) {}

  /**
   * Takes the assertion for the account: true the first time, false ever after. The primary key decides, so that of two
   * requests posting one assertion at once exactly one insert succeeds, on every instance. The account's rows past
   * their expiry go first: nothing else deletes them, and an ID an IdP reuses after expiry is not a replay.
   */
  async take(accountId: string, assertionId: string, acceptableUntil: Date, now: Date): Promise<boolean> {
    await this.assertions.delete({ accountId, expiresAt: LessThanOrEqual(now) });
    const idHash = createHash('sha256').update(assertionId, 'utf8').digest('hex');
    try {
      await this.assertions.insert({ accountId, idHash, expiresAt: acceptableUntil });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }
}
