import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';
import type { Options } from '@node-rs/argon2';

/**
 * argon2id (RFC 9106) with OWASP's first recommended setting: 19 MiB of memory, 2 passes, 1 lane. A password,
 * unlike a key's 190-bit secret, may be guessable, so each guess must cost memory and time. @node-rs/argon2 runs
 * the reference implementation on libuv's thread pool, so a hash never blocks the event loop. The PHC string stores
 * its parameters: raising them later still verifies older hashes, and `needsRehash` tells when to upgrade one.
 */
export const ARGON2_PARAMETERS: Options = {
  // Algorithm.Argon2id, a const enum that isolatedModules cannot read.
  algorithm: 2 as NonNullable<Options['algorithm']>,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

const CURRENT = '$argon2id$v=19$m=19456,t=2,p=1$';

/** A hash of a password nobody has, so that an unknown user costs a sign-in as much time as a wrong password. */
let decoy: Promise<string> | undefined;

@Injectable()
export class PasswordHasher {
  hash(password: string): Promise<string> {
    return hash(password, ARGON2_PARAMETERS);
  }

  /** Constant-time inside argon2; false for a malformed stored hash rather than an error. */
  async matches(password: string, stored: string | null): Promise<boolean> {
    if (stored === null) {
      await verify(await (decoy ??= this.hash('decoy password that is never set')), password).catch(() => false);
      return false;
    }
    return verify(stored, password).catch(() => false);
  }

  needsRehash(stored: string): boolean {
    return !stored.startsWith(CURRENT);
  }
}
