import 'reflect-metadata';
import { CreateUserDto, DAY_PATTERN, DEFAULT_USER_ROLE, ListUsersDto, UpdateUserDto } from './user.dto.js';
import { accepted, refused } from '../../../../../test/support/dto-validation.js';

// The users routes' query string and bodies: the list filters and their days, an email and a role, the lists of
// environments and of custom roles (where an explicit [] clears the set), and what an update may leave out.

const jenny = { name: 'Jenny Bar', email: 'jenny_bar@example.com' };

describe('ListUsersDto', () => {
  test('every filter from a query string', async () => {
    expect(
      await accepted(ListUsersDto, {
        ids: 'u1,u2',
        emails: ['a@example.com', 'B@example.com'],
        pending: 'true',
        prefix: ' jen ',
        sub_account_id: 'e1',
        last_login: '0',
        from: '2026-01-01',
        to: '2026-01-31',
        sort_by: 'activity',
        sort_order: 'desc',
        page: '3',
        page_size: '1000',
      }),
    ).toEqual({
      ids: ['u1', 'u2'],
      emails: ['a@example.com', 'B@example.com'],
      pending: true,
      prefix: 'jen',
      sub_account_id: 'e1',
      last_login: false,
      from: '2026-01-01',
      to: '2026-01-31',
      sort_by: 'activity',
      sort_order: 'desc',
      page: 3,
      page_size: 1000,
    });
  });

  test.each([
    ['a day without its zeros', { from: '2026-1-1' }, 'from must be a date as yyyy-mm-dd'],
    ['a date-time', { to: '2026-01-31T00:00:00Z' }, 'to must be at most 10 characters'],
    ['another order', { from: '31-01-2026' }, 'from must be a date as yyyy-mm-dd'],
    ['an unknown sort', { sort_by: 'email' }, 'sort_by must be one of: name, role, status, activity, created_at'],
    ['a page of 1001 users', { page_size: '1001' }, 'page_size must be at most 1000'],
    ['page 0', { page: '0' }, 'page must be at least 1'],
    ['101 ids', { ids: Array.from({ length: 101 }, (_, i) => `u${i}`) }, 'ids may hold at most 100 values'],
    ['an id of 65 characters', { ids: 'i'.repeat(65) }, 'each of ids must be at most 64 characters'],
    ['an environment id of 65 characters', { sub_account_id: 'e'.repeat(65) }, 'sub_account_id must be at most 64 characters'],
  ])('%s is refused', async (_, query, message) => {
    expect(await refused(ListUsersDto, query)).toBe(message);
  });

  test('DAY_PATTERN is the shape of a day; whether the day exists is the service’s check', () => {
    expect(DAY_PATTERN.test('2026-02-30')).toBe(true);
    expect(DAY_PATTERN.test('2026-02-3')).toBe(false);
    expect(DAY_PATTERN.test('2026-02-03\n')).toBe(false);
  });
});

describe('CreateUserDto', () => {
  test(`the least a user needs: a name and an email; the role defaults, in the service, to ${DEFAULT_USER_ROLE}`, async () => {
    expect(DEFAULT_USER_ROLE).toBe('media_library_user');
    expect(await accepted(CreateUserDto, { ...jenny, admin: true, id: 'mine', pending: false })).toEqual(jenny);
  });

  test('names and addresses keep their unicode', async () => {
    const user = { name: 'Ågot Ñúñez 李', email: 'ågot@exämple.com' };
    expect(await accepted(CreateUserDto, user)).toEqual(user);
  });

  test.each([
    ['no email', { name: 'J' }, 'email is required'],
    ['no name', { email: 'j@example.com' }, 'name is required'],
    ['an address without a domain', { ...jenny, email: 'jenny' }, 'email must be a valid email address'],
    ['two addresses', { ...jenny, email: 'a@example.com,b@example.com' }, 'email must be a valid email address'],
    ['an address with a header after it', { ...jenny, email: 'a@example.com\nBcc: b@example.com' }, 'email must be a valid email address'],
    ['an address with a NUL', { ...jenny, email: 'a@example.com\u0000' }, 'email must be a valid email address'],
    ['a local part of 65 characters', { ...jenny, email: `${'a'.repeat(65)}@example.com` }, 'email must be a valid email address'],
    [
      'an unknown role',
      { ...jenny, role: 'owner' },
      'role must be one of: master_admin, admin, technical_admin, billing, reports, media_library_admin, media_library_user',
    ],
    [
      'a role in capitals',
      { ...jenny, role: 'ADMIN' },
      'role must be one of: master_admin, admin, technical_admin, billing, reports, media_library_admin, media_library_user',
    ],
    [
      '101 custom roles',
      { ...jenny, custom_roles: Array.from({ length: 101 }, (_, i) => `r${i}`) },
      'custom_roles may hold at most 100 values',
    ],
    ['a custom role that is a number', { ...jenny, custom_roles: [7] }, 'custom_roles must hold strings'],
    ['a custom role of 65 characters', { ...jenny, custom_roles: ['r'.repeat(65)] }, 'each of custom_roles must be at most 64 characters'],
    ['a control character in a custom role', { ...jenny, custom_roles: ['r\u0000'] }, 'custom_roles must not contain control characters'],
  ])('%s is refused', async (_, body, message) => {
    expect(await refused(CreateUserDto, body)).toBe(message);
  });

  test('environments: a list, repeated or comma-joined', async () => {
    expect(await accepted(CreateUserDto, { ...jenny, sub_account_ids: 'e1, e2', all_sub_accounts: 'false' })).toEqual({
      ...jenny,
      sub_account_ids: ['e1', 'e2'],
      all_sub_accounts: false,
    });
  });

  test('custom roles: an explicit [] is "none"; "", null and an empty form value are "not given"', async () => {
    expect(await accepted(CreateUserDto, { ...jenny, custom_roles: [] })).toEqual({ ...jenny, custom_roles: [] });
    for (const custom_roles of ['', null, undefined]) expect(await accepted(CreateUserDto, { ...jenny, custom_roles })).toEqual(jenny);
    expect(await accepted(CreateUserDto, { ...jenny, custom_roles: ' r1 ,, r2,' })).toEqual({ ...jenny, custom_roles: ['r1', 'r2'] });
    expect(await accepted(CreateUserDto, { ...jenny, custom_roles: ['r1,r2', 'r3'] })).toEqual({
      ...jenny,
      custom_roles: ['r1', 'r2', 'r3'],
    });
  });
});

describe('UpdateUserDto', () => {
  test('every field is optional; the rules stay', async () => {
    expect(await accepted(UpdateUserDto, {})).toEqual({});
    expect(await accepted(UpdateUserDto, { custom_roles: [] })).toEqual({ custom_roles: [] });
    expect(await refused(UpdateUserDto, { email: 'nope' })).toBe('email must be a valid email address');
    expect(await refused(UpdateUserDto, { role: 'root' })).toMatch(/^role must be one of: /);
  });

  test('an address longer than 255 characters is refused, whatever it is refused for', async () => {
    const email = `a@${Array.from({ length: 4 }, () => 'x'.repeat(63)).join('.')}`;
    expect(email.length).toBe(257);
    expect(await refused(CreateUserDto, { ...jenny, email })).toMatch(/^email must be (a valid email address|at most 255 characters)$/);
  });

  test('"" means "not given" in an update as well: it never blanks a name or an email', async () => {
    expect(await accepted(UpdateUserDto, { name: '', email: '  ' })).toEqual({});
  });
});
