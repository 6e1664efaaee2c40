import { jest } from '@jest/globals';
import { HttpException, InternalServerErrorException, Logger, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { errorCodes } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { generateSecret } from '../secrets/secret-format.js';
import { AppError, ErrorCode, fieldPath } from './app-error.js';
import { challenges, toErrorResponse } from './http-exception.filter.js';

const SQL = 'INSERT INTO `api_keys`(`id`, `secret_hash`) VALUES (?, ?)';

function answer(exception: unknown) {
  const error = jest.fn();
  const response = toErrorResponse(exception, { error } as unknown as Logger);
  return { ...response, text: JSON.stringify(response.body), logged: error.mock.calls.map(([message]) => String(message)).join('\n') };
}

/** As Nest's Fastify adapter hands a 4xx Fastify error to the exception filters. */
const wrapped = (error: Error & { statusCode?: number }) => new HttpException(error.message, error.statusCode!, { cause: error });

describe('toErrorResponse', () => {
  test('a database error is a 500 without its SQL or message; the log keeps the stack for operators', () => {
    const driverError = Object.assign(new Error("ER_NO_SUCH_TABLE: Table 'castellan.api_keys' doesn't exist"), {
      code: 'ER_NO_SUCH_TABLE',
    });
    const res = answer(new QueryFailedError(SQL, ['4b1c…', 'hash'], driverError));
    expect({ status: res.status, body: res.body }).toEqual({ status: 500, body: { error: { message: 'Internal error' } } });
    expect(res.text).not.toMatch(/INSERT|api_keys|ER_NO_SUCH_TABLE|castellan/);
    expect(res.logged).toContain('ER_NO_SUCH_TABLE');
    expect(res.logged).toMatch(/\n\s+at /);
  });

  test('an unexpected error is a 500 without its message or stack', () => {
    const res = answer(new TypeError("Cannot read properties of undefined (reading 'secretHash')"));
    expect(res.body).toEqual({ error: { message: 'Internal error' } });
    expect(res.logged).toContain('secretHash');
  });

  test.each([
    ['an HttpException of 500 and more', new InternalServerErrorException('pool exhausted at db:3306')],
    ['a thrown string', 'something with /srv/castellan/dist/main.js'],
    ['a 5xx Fastify error', new errorCodes.FST_ERR_CTP_INVALID_PARSE_TYPE('stream')],
  ])('%s is a 500 Internal error', (_, exception) => {
    expect(answer(exception)).toMatchObject({ status: 500, body: { error: { message: 'Internal error' } } });
  });

  test.each([
    ['a body over the limit', new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE(), 413, 'Request body is too large'],
    [
      'an unsupported content type',
      new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(),
      415,
      'Unsupported content type: send JSON or form-urlencoded',
    ],
    ['a wrong Content-Length', new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH(), 400, 'Request body size did not match Content-Length'],
    ['an undecodable URL', new errorCodes.FST_ERR_BAD_URL('/v1_1/%FF<script>'), 400, 'Malformed URL'],
    ['a path parameter over its limit', new errorCodes.FST_ERR_MAX_PARAM_LENGTH('/v1_1/aaaa'), 414, 'A path segment is too long'],
  ])('%s keeps its status and gets a fixed message, raw or wrapped by Nest', (_, error, status, message) => {
    expect(answer(error)).toMatchObject({ status, body: { error: { message } }, logged: '' });
    expect(answer(wrapped(error))).toMatchObject({ status, body: { error: { message } }, logged: '' });
  });

  test('another 4xx transport error shows only its status phrase, never its message', () => {
    const fromStatic = Object.assign(new Error("EACCES: permission denied, open '/srv/castellan/node_modules/x'"), { statusCode: 403 });
    expect(answer(fromStatic).body).toEqual({ error: { message: 'Forbidden' } });
    expect(answer(wrapped(fromStatic)).body).toEqual({ error: { message: 'Forbidden' } });
  });

  test('our own errors keep their messages', () => {
    expect(answer(AppError.invalid('name is required'))).toMatchObject({ status: 400, body: { error: { message: 'name is required' } } });
    expect(answer(new AppError(ErrorCode.TooManyRequests, 'Too many requests'))).toMatchObject({ status: 429 });
    expect(answer(new PayloadTooLargeException('Too big'))).toMatchObject({ status: 413, body: { error: { message: 'Too big' } } });
    expect(answer(new NotFoundException('Cannot GET /nope'))).toMatchObject({ status: 404, body: { error: { message: 'Not found' } } });
  });
});

describe('challenges', () => {
  test.each([
    ['no marker', {}, true],
    ["the console's marker", { 'x-requested-with': 'XMLHttpRequest' }, false],
    ['the marker in another case', { 'x-requested-with': 'xmlhttprequest' }, false],
    ['another value', { 'x-requested-with': 'com.example.app' }, true],
    ['the header twice', { 'x-requested-with': ['XMLHttpRequest', 'XMLHttpRequest'] }, true],
  ])('%s: challenged %s', (_, headers, expected) => {
    expect(challenges({ headers })).toBe(expected);
  });
});

describe('the place of a validation error', () => {
  test('the body names it as `path` when the error knows it, and has no `path` otherwise', () => {
    expect(answer(AppError.invalid('rules[0].actions[1]: unknown action "x:y"', 'rules[0].actions[1]')).body).toEqual({
      error: { message: 'rules[0].actions[1]: unknown action "x:y"', path: 'rules[0].actions[1]' },
    });
    expect(Object.keys(answer(AppError.invalid('Malformed JSON body')).body.error)).toEqual(['message']);
  });

  test('a path is written with dots between keys and brackets around indices, as the messages write places', () => {
    expect(fieldPath(['rules', 0, 'actions', 1])).toBe('rules[0].actions[1]');
    expect(fieldPath(['checks', '3', 'action'])).toBe('checks[3].action');
    expect(fieldPath(['saml', 'sso_url'])).toBe('saml.sso_url');
    expect(fieldPath([])).toBe('');
  });

  test('a secret pasted where a name belongs is redacted from the path as from the message', () => {
    const secret = generateSecret('account');
    const path = `rules[0].conditions.${secret}`;
    const error = AppError.invalid(`${path}: unknown attribute`, path);
    expect(error.path).not.toContain(secret);
    expect(`${error.path}: unknown attribute`).toBe(error.message);
  });
});
