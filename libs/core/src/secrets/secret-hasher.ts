import { Injectable } from '@nestjs/common';
import { createHmac, createSecretKey, KeyObject, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/config.schema.js';

/**
 * Secrets are random with 190 bits of entropy, so a keyed fast hash is enough: a slow password hash would
 * only add latency to every request. The pepper lives outside the database, so a leaked dump alone is useless.
 */
@Injectable()
export class SecretHasher {
  /** Imported once: an HMAC keyed by a string imports the key again on every call. */
  private readonly pepper: KeyObject;

  constructor(config: AppConfig) {
    this.pepper = createSecretKey(Buffer.from(config.secretPepper, 'utf8'));
  }

  hash(secret: string): string {
    return createHmac('sha256', this.pepper).update(secret, 'utf8').digest('hex');
  }

  matches(secret: string, storedHash: string): boolean {
    const expected = Buffer.from(storedHash, 'hex');
    const actual = createHmac('sha256', this.pepper).update(secret, 'utf8').digest();
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}
