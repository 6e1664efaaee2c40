import type { ExecutionContext } from '@nestjs/common';
import { AppError, AuthFailureReason, ErrorCode } from '@castellan/core';
import type { Principal } from '@castellan/core';
import { AuthenticatingRequest, BasicAuthGuard, BasicAuthStrategy } from './basic-auth.strategy.js';
import type { CredentialVerifier, Verification } from './credential-verifier.js';

/** A guard whose verifier answers `verification`, counting its calls. */
function guardAnswering(verification: () => Promise<Verification>) {
  let calls = 0;
  const verifier = { verify: () => (calls++, verification()) } as unknown as CredentialVerifier;
  return { guard: new BasicAuthGuard(new BasicAuthStrategy(verifier)), calls: () => calls };
}
const principalNamed = (name: string) => ({ principal: { name } as Principal });

/** A request presenting `apiKey:secret` in a Basic header, and the context a guard sees it in. */
function requestWith(credentials: string): { request: AuthenticatingRequest; context: ExecutionContext } {
  const request = {
    ip: '127.0.0.1',
    headers: { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` },
  } as AuthenticatingRequest;
  const context = { switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}) }) } as unknown as ExecutionContext;
  return { request, context };
}

describe('BasicAuthGuard', () => {
  test('guards of two applications in one process each verify with their own verifier, whichever was made last', async () => {
    // Passport's default instance is one per process: a strategy registered there by name is replaced by the
    // next application's, which then verifies for both (and with its own key cache).
    const one = guardAnswering(() => Promise.resolve(principalNamed('one')));
    const two = guardAnswering(() => Promise.resolve(principalNamed('two')));
    const [first, second] = [requestWith('100000000000001:secret'), requestWith('100000000000001:secret')];
    expect(await one.guard.canActivate(first.context)).toBe(true);
    expect(await two.guard.canActivate(second.context)).toBe(true);
    expect([first.request.user?.name, second.request.user?.name]).toEqual(['one', 'two']);
    expect([one.calls(), two.calls()]).toEqual([1, 1]);
  });

  test('a refused key is a 401 that carries its reason for the access guard', async () => {
    const failure: Verification = { failure: AuthFailureReason.KeyDisabled, key: null };
    const { guard } = guardAnswering(() => Promise.resolve(failure));
    const { request, context } = requestWith('100000000000001:secret');
    await expect(guard.canActivate(context)).rejects.toMatchObject({ code: ErrorCode.InvalidCredentials });
    expect(request.authFailure).toEqual(failure);
    expect(request.user).toBeUndefined();
  });

  test('a missing or unreadable header is a 401 without a lookup; a key store that cannot be read, a 503', async () => {
    const { guard, calls } = guardAnswering(() => Promise.reject(new AppError(ErrorCode.Unavailable, 'Service unavailable')));
    const bare = { ip: '127.0.0.1', headers: {} };
    const noHeader = { switchToHttp: () => ({ getRequest: () => bare, getResponse: () => ({}) }) } as unknown as ExecutionContext;
    await expect(guard.canActivate(noHeader)).rejects.toMatchObject({ code: ErrorCode.InvalidCredentials });
    await expect(guard.canActivate(requestWith('no separator').context)).rejects.toMatchObject({ code: ErrorCode.InvalidCredentials });
    expect(calls()).toBe(0);
    await expect(guard.canActivate(requestWith('100000000000001:secret').context)).rejects.toMatchObject({ code: ErrorCode.Unavailable });
  });

  test('the secret is everything after the first colon (RFC 7617): KEY:SECRET:anything presents the secret SECRET:anything', async () => {
    const secrets: string[] = [];
    const verifier = {
      verify: (_: string, secret: string) => (secrets.push(secret), Promise.resolve(principalNamed('k'))),
    } as unknown as CredentialVerifier;
    const guard = new BasicAuthGuard(new BasicAuthStrategy(verifier));
    await guard.canActivate(requestWith('100000000000001:cstla_secret:anything').context);
    await guard.canActivate(requestWith('100000000000001:cstla_secret').context);
    expect(secrets).toEqual(['cstla_secret:anything', 'cstla_secret']);
  });
});
