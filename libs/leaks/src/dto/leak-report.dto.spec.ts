import 'reflect-metadata';
import { generateSecret } from '@castellan/core';
import { LeakReportDto, MAX_REPORTED_SECRETS } from './leak-report.dto.js';
import { refused, validated } from '../../../../test/support/dto-validation.js';

// A leak report comes from anyone, without credentials, as JSON or as a form: what it may hold (1 to 100
// well-formed secrets), how a form's values become a list, and refusals that name the entry but never echo it.

const secret = generateSecret('environment');
const other = generateSecret('account');

/** The secrets a report is accepted with. */
const accepted = async (body: unknown): Promise<string[]> => (await validated(LeakReportDto, body)).secrets;

describe('LeakReportDto: what a report may hold', () => {
  test('a JSON list of secrets of every kind, as given (duplicates are the service’s business)', async () => {
    const user = generateSecret('user');
    expect(await accepted({ secrets: [secret, other, user, secret] })).toEqual([secret, other, user, secret]);
  });

  test('a form: one value, comma-joined values, or repeated fields; spaces around each are dropped', async () => {
    expect(await accepted({ secrets: secret })).toEqual([secret]);
    expect(await accepted({ secrets: ` ${secret} , ${other}` })).toEqual([secret, other]);
    expect(await accepted({ secrets: [` ${secret}`, `${other}\n`] })).toEqual([secret, other]);
  });

  test(`up to ${MAX_REPORTED_SECRETS} secrets`, async () => {
    expect(MAX_REPORTED_SECRETS).toBe(100);
    const many = Array.from({ length: 100 }, () => generateSecret('environment'));
    expect(await accepted({ secrets: many })).toEqual(many);
    expect(await refused(LeakReportDto, { secrets: [...many, secret] })).toBe('secrets may hold at most 100 secrets');
    expect(await refused(LeakReportDto, { secrets: [...many, secret].join(',') })).toBe('secrets may hold at most 100 secrets');
  });
});

describe('LeakReportDto: refusals', () => {
  test.each([
    ['no secrets', {}, 'secrets is required'],
    ['""', { secrets: '' }, 'secrets is required'],
    ['null', { secrets: null }, 'secrets is required'],
    ['an empty list', { secrets: [] }, 'secrets must hold at least one secret'],
    ['an object', { secrets: { secret } }, 'secrets must be a list of secrets'],
    ['a number', { secrets: 42 }, 'secrets must be a list of secrets'],
    ['a blank value', { secrets: '   ' }, 'secrets[0] is not a Castellan secret'],
    ['a trailing comma', { secrets: `${secret},` }, 'secrets[1] is not a Castellan secret'],
    ['a number in the list', { secrets: [secret, 7] }, 'secrets[1] must be a string'],
    ['a list in the list', { secrets: [[secret]] }, 'secrets[0] must be a string'],
    ['null in the list', { secrets: [secret, null] }, 'secrets[1] must be a string'],
  ])('%s is refused', async (_, body, message) => {
    expect(await refused(LeakReportDto, body)).toBe(message);
  });

  test.each([
    ['a checksum that does not match', `${secret.slice(0, -1)}${secret.endsWith('0') ? '1' : '0'}`],
    ['an unknown prefix', `cstlx_${secret.slice(6)}`],
    ['a secret one character short', secret.slice(0, -1)],
    ['a secret with a character more', `${secret}0`],
    ['the right length in the wrong alphabet', `cstle_${'-'.repeat(38)}`],
    ['a Cyrillic look-alike letter', `cstle_\u0430${secret.slice(7)}`],
    ['a full-width letter', `cstle_\uff41${secret.slice(7)}`],
    ['an api_key', '814814814814814'],
    ['a Cloudinary URL', `cloudinary://814814814814814:${secret}@product1`],
  ])('%s is no Castellan secret, and the message names its place, not its text', async (_, text) => {
    const message = await refused(LeakReportDto, { secrets: [secret, text] });
    expect(message).toBe('secrets[1] is not a Castellan secret');
  });

  test('a long field is refused without being echoed', async () => {
    const message = await refused(LeakReportDto, { secrets: 'x'.repeat(100_000) });
    expect(message).toBe('secrets[0] is not a Castellan secret');
  });
});
