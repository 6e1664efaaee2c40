import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync, KeyObject, randomBytes } from 'node:crypto';
import { AppConfig } from '@castellan/core';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The user whose secret a sealed value is: it opens for them only, so a sealed secret copied to another row is useless. */
export interface SecretOwner {
  accountId: string;
  id: string;
}

/**
 * Seals TOTP secrets for the database. A TOTP secret must be read back to check codes, so it cannot be hashed as
 * other secrets are; it is encrypted instead, with AES-256-GCM under a key derived (HKDF-SHA256) from the server
 * pepper, which lives outside the database: a dump alone reveals no secret. The user's ids are the authenticated
 * data, and GCM's tag refuses any change. Stored as `v1.<iv>.<tag>.<ciphertext>`, each part base64url; the version
 * leaves room for another key or cipher later.
 */
@Injectable()
export class TotpSecretBox {
  private readonly key: KeyObject;

  constructor(config: AppConfig) {
    this.key = createSecretKey(Buffer.from(hkdfSync('sha256', config.secretPepper, Buffer.alloc(0), 'castellan totp secret', 32)));
  }

  seal(secret: string, owner: SecretOwner): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(this.ownerData(owner));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [VERSION, ...[iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'))].join('.');
  }

  /** The secret; null when the value was not sealed by this server's pepper for this user, or was changed. */
  open(sealed: string, owner: SecretOwner): string | null {
    const [version, iv, tag, ciphertext, ...rest] = sealed.split('.');
    if (version !== VERSION || iv === undefined || tag === undefined || ciphertext === undefined || rest.length > 0) return null;
    const [ivBytes, tagBytes] = [Buffer.from(iv, 'base64url'), Buffer.from(tag, 'base64url')];
    if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, ivBytes, { authTagLength: TAG_BYTES })
        .setAAD(this.ownerData(owner))
        .setAuthTag(tagBytes);
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }

  private ownerData({ accountId, id }: SecretOwner): Buffer {
    return Buffer.from(`${accountId}:${id}`, 'utf8');
  }
}
