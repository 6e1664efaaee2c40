import 'reflect-metadata';
import type { ExecutionContext } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { changedRoute, RecordedRoute, targetOf } from './audit-route.js';

// Which record an audit event names, from the route's path template and parameters, and what a create answered.

const SECRET = 'cstle_PUmSjS45lBtPejSS0EDVcFe2l2cz7m8T3uVMen';

/** A route as the log sees it: its path template, its parameters, its method. */
const route = (path: string, params: Record<string, string | undefined> = {}, method = 'POST'): RecordedRoute => ({
  action: 'provisioning:test',
  segments: path.split('/').filter(Boolean),
  params,
  method,
});

const ACCOUNT = 'v1_1/provisioning/accounts/:account_id';

describe('targetOf: what a create made', () => {
  test.each([
    ['sub_accounts', { id: 'e1' }, { type: 'sub_account', id: 'e1' }],
    ['users', { id: 'u1' }, { type: 'user', id: 'u1' }],
    ['user_groups', { id: 'g1' }, { type: 'user_group', id: 'g1' }],
    ['roles', { id: 'r1' }, { type: 'role', id: 'r1' }],
    ['account_api_keys', { api_key: '814814814814814' }, { type: 'key', id: '814814814814814' }],
    ['api_keys', { api_key: '814814814814815' }, { type: 'key', id: '814814814814815' }],
  ])('POST …/%s names what the answer names', (collection, response, target) => {
    expect(targetOf(route(`${ACCOUNT}/${collection}`, { account_id: 'acc' }), response)).toEqual(target);
  });

  test("a key's api_key wins over any id the answer has", () => {
    const created = targetOf(route(`${ACCOUNT}/sub_accounts/:sub_account_id/access_keys`, { sub_account_id: 'e1' }), {
      id: 'x',
      api_key: '1',
    });
    expect(created).toEqual({ type: 'key', id: '1' });
  });

  test('an answer without a string id names the most specific path parameter instead', () => {
    const path = `${ACCOUNT}/sub_accounts/:sub_account_id/access_keys`;
    for (const response of [undefined, null, 'text', {}, { id: 7 }, { id: '' }, { api_key: ['1'] }]) {
      expect(targetOf(route(path, { account_id: 'acc', sub_account_id: 'e1' }), response)).toEqual({ type: 'sub_account', id: 'e1' });
    }
  });

  test('only a POST creates: a PUT or DELETE on a collection path reads nothing of the answer', () => {
    expect(targetOf(route(`${ACCOUNT}/users`, { account_id: 'acc' }, 'PUT'), { id: 'u1' })).toBeNull();
    expect(targetOf(route(`${ACCOUNT}/users`, { account_id: 'acc' }, 'DELETE'), { id: 'u1' })).toBeNull();
  });

  test('a POST to something that is not a collection (an action on a record) names the record', () => {
    const rotate = route(`${ACCOUNT}/access_keys/:api_key/rotate`, { account_id: 'acc', api_key: '814' });
    expect(targetOf(rotate, { api_key: 'other' })).toEqual({ type: 'key', id: '814' });
  });
});

describe('targetOf: the record a path names', () => {
  test.each([
    [':user_id', 'user_id', 'user'],
    [':group_id', 'group_id', 'user_group'],
    [':role_id', 'role_id', 'role'],
    [':sub_account_id', 'sub_account_id', 'sub_account'],
    [':api_key', 'api_key', 'key'],
    [':certificate_id', 'certificate_id', 'certificate'],
    [':thing', 'thing', 'thing'],
  ])('%s is a %s', (segment, param, type) => {
    expect(targetOf(route(`${ACCOUNT}/x/${segment}`, { account_id: 'acc', [param]: 'v1' }, 'PUT'))).toEqual({ type, id: 'v1' });
  });

  test('the most specific parameter wins, the account never does', () => {
    const path = `${ACCOUNT}/users/:user_id/api_keys/:api_key`;
    expect(targetOf(route(path, { account_id: 'acc', user_id: 'u1', api_key: '814' }, 'DELETE'))).toEqual({ type: 'key', id: '814' });
    expect(targetOf(route(path, { account_id: 'acc', user_id: 'u1' }, 'DELETE'))).toEqual({ type: 'user', id: 'u1' });
    expect(targetOf(route(`${ACCOUNT}/security`, { account_id: 'acc' }, 'PUT'))).toBeNull();
  });

  test('a route with no parameters names nothing', () => {
    expect(targetOf(route('v1_1/leaks', {}, 'POST'), { message: 'ok' })).toBeNull();
    expect(targetOf(route('', {}, 'POST'), { id: 'x' })).toBeNull();
  });
});

describe('targetOf: hostile ids', () => {
  test('a secret pasted where an id belongs is redacted, in a path and in an answer', () => {
    const inPath = targetOf(route(`${ACCOUNT}/access_keys/:api_key`, { api_key: SECRET }, 'DELETE'))!;
    expect(inPath.id).not.toContain(SECRET.slice(6));
    expect(inPath.id.startsWith('cstle_')).toBe(true);
    const inAnswer = targetOf(route(`${ACCOUNT}/users`), { id: `x${SECRET}` })!;
    expect(inAnswer.id).not.toContain(SECRET.slice(6));
  });

  test('ids are cut to the 64 characters the column holds', () => {
    const long = 'ü'.repeat(500);
    expect(targetOf(route(`${ACCOUNT}/users/:user_id`, { user_id: long }, 'PUT'))).toEqual({ type: 'user', id: 'ü'.repeat(64) });
    expect(targetOf(route(`${ACCOUNT}/users`), { id: long })!.id).toHaveLength(64);
  });
});

describe('changedRoute', () => {
  const context = (
    classPath: unknown,
    handlerPath: unknown,
    request: { method: string; params?: Record<string, string> },
  ): ExecutionContext => {
    class Controller {}
    const handler = () => undefined;
    if (classPath !== undefined) Reflect.defineMetadata(PATH_METADATA, classPath, Controller);
    if (handlerPath !== undefined) Reflect.defineMetadata(PATH_METADATA, handlerPath, handler);
    return {
      getClass: () => Controller,
      getHandler: () => handler,
      switchToHttp: () => ({ getRequest: () => request }),
    } as unknown as ExecutionContext;
  };

  test("joins the controller's and the handler's paths into segments, with the request's parameters and method", () => {
    const params = { account_id: 'acc', sub_account_id: 'e1' };
    expect(
      changedRoute(context('/v1_1/provisioning/accounts/:account_id/', 'sub_accounts/:sub_account_id', { method: 'put', params }), 'p'),
    ).toEqual({
      action: 'p',
      segments: ['v1_1', 'provisioning', 'accounts', ':account_id', 'sub_accounts', ':sub_account_id'],
      params,
      method: 'PUT',
    });
  });

  test('a path missing on either side, or not a string, adds nothing; no parameters is none', () => {
    expect(changedRoute(context(undefined, 'authorize', { method: 'POST' }), 'p')).toEqual({
      action: 'p',
      segments: ['authorize'],
      params: {},
      method: 'POST',
    });
    expect(changedRoute(context(['a', 'b'], '/', { method: 'DELETE' }), 'p').segments).toEqual([]);
  });
});
