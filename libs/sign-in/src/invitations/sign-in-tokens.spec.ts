import 'reflect-metadata';
import { AppConfig, ErrorCode, SecretHasher } from '@castellan/core';
import type { UserEntity } from '@castellan/people';
import { refusal } from '../../../../test/support/stand-ins.js';
import { SignInTokenEntity } from './sign-in-token.entity.js';
import type { SignInTokenRepository } from './sign-in-token.repository.js';
import { INVALID_LINK, SignInTokens } from './sign-in-tokens.js';

// The links' own rules, with the table, the users and the throttle as stand-ins that record what they were asked:
// what is stored of a token, which tokens cost a lookup, and that every refusal reads alike and is counted.

const hasher = new SecretHasher({ secretPepper: 'p'.repeat(48) } as AppConfig);
const USER = { id: 'u1', accountId: 'acc', enabled: true, pending: true } as UserEntity;

function tokens(user: UserEntity | null = USER, burst = 10) {
  const stored: SignInTokenEntity[] = [];
  const lookups: string[] = [];
  const failures: string[] = [];
  const repository = {
    replace: (_: unknown, row: SignInTokenEntity) => Promise.resolve(void stored.splice(0, stored.length, row)),
    findByHash: (hash: string, purpose: string) => {
      lookups.push(hash);
      return Promise.resolve(stored.find((row) => row.tokenHash === hash && row.purpose === purpose) ?? null);
    },
  } as unknown as SignInTokenRepository;
  const users = { findById: () => Promise.resolve(user) };
  const throttle = {
    ipBlockedFor: () => Promise.resolve(0),
    recordFailure: (ip: string) => Promise.resolve({ retryAfterSeconds: failures.push(ip) > burst ? 5 : 0, blockStarted: false }),
  };
  const service = new SignInTokens(repository, hasher, users as never, throttle as never);
  return { service, stored, lookups, failures };
}

test('a token is 32 random bytes in base64url; only its HMAC is stored, with the purpose and the expiry', async () => {
  const { service, stored } = tokens();
  const { token, expiresAt } = await service.issue({} as never, USER, 'invitation', 60_000);
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(stored).toEqual([
    expect.objectContaining({
      tokenHash: hasher.hash(`sign-in-token:${token}`),
      accountId: 'acc',
      userId: 'u1',
      purpose: 'invitation',
      expiresAt,
    }),
  ]);
  expect(JSON.stringify(stored)).not.toContain(token);
  expect(Math.abs(expiresAt.getTime() - Date.now() - 60_000)).toBeLessThan(1000);
});

test('the issued token redeems, for its purpose only', async () => {
  const { service } = tokens();
  const { token } = await service.issue({} as never, USER, 'password_reset', 60_000);
  expect((await service.redeemable(token, 'password_reset', '192.0.2.1')).user).toBe(USER);
  expect(await refusal(() => service.redeemable(token, 'invitation', '192.0.2.1'))).toEqual({
    code: ErrorCode.InvalidInput,
    message: INVALID_LINK.invitation,
  });
});

test('a token that cannot be one costs no lookup, and is refused and counted like any other', async () => {
  const { service, lookups, failures } = tokens();
  for (const token of ['', 'short', 'A'.repeat(44), `${'A'.repeat(42)}=`]) {
    expect((await refusal(() => service.redeemable(token, 'invitation', '192.0.2.1'))).message).toBe(INVALID_LINK.invitation);
  }
  expect(lookups).toEqual([]);
  expect(failures).toHaveLength(4);
});

test('an expired link, a disabled user, or an invitation of a user no longer pending: the one message', async () => {
  for (const [user, expired] of [
    [USER, true],
    [{ ...USER, enabled: false }, false],
    [{ ...USER, pending: false }, false],
    [null, false],
  ] as const) {
    const { service, stored } = tokens(user as UserEntity | null);
    const { token } = await service.issue({} as never, USER, 'invitation', 60_000);
    if (expired) stored[0]!.expiresAt = new Date(Date.now() - 1);
    expect((await refusal(() => service.redeemable(token, 'invitation', '192.0.2.1'))).message).toBe(INVALID_LINK.invitation);
  }
  // A reset is for users who are no longer pending too.
  const { service } = tokens({ ...USER, pending: false } as UserEntity);
  const { token } = await service.issue({} as never, USER, 'password_reset', 60_000);
  expect((await service.redeemable(token, 'password_reset', '192.0.2.1')).link.purpose).toBe('password_reset');
});

test('past the address burst a refusal is a 429', async () => {
  const { service } = tokens(USER, 2);
  for (let i = 0; i < 2; i++) await refusal(() => service.redeemable('x', 'invitation', '192.0.2.1'));
  expect((await refusal(() => service.redeemable('x', 'invitation', '192.0.2.1'))).code).toBe(ErrorCode.TooManyRequests);
});
