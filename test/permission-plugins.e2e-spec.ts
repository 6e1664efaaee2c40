import { BUILTIN_PLUGINS } from '@castellan/permissions';
import { videoPlugin } from '../examples/video-permissions-plugin/video.plugin.js';
import { expectVideoCatalogue } from './support/video-catalogue.js';
import { expectError, startServer, TestAccount, TestServer, uniqueCloudName } from './support/harness.js';

// A third-party permission plugin (examples/video-permissions-plugin) registered next to the built-in ones:
// its actions join the catalogue, policies and decisions, with no change to the engine.

type Grant = { effect: 'allow' | 'deny'; actions: string[]; conditions?: Record<string, unknown> };

const allow = (actions: string[], conditions?: Record<string, unknown>): Grant => ({
  effect: 'allow',
  actions,
  ...(conditions && { conditions }),
});
const SHORT_VIDEOS = [allow(['video:transcode'], { duration_seconds: { $lte: 600 } })];

// One server at a time: Passport keeps one Basic strategy per process, so a second live server would answer
// the first one's authentication from its own database.
let withVideo: TestServer;
let owner: TestAccount;

/** A fresh environment of `account` on `server`: its path and its Root key's credentials. */
async function environmentOn(server: TestServer, account: TestAccount) {
  const res = await server
    .http()
    .post(`${account.base}/sub_accounts`)
    .auth(...account.auth)
    .send({ name: 'Video env', cloud_name: uniqueCloudName('vid') });
  expect(res.ok).toBe(true);
  const { key, secret } = res.body.api_access_keys[0];
  return { path: `${account.base}/sub_accounts/${res.body.id}/access_keys/${key}`, auth: [key, secret] as [string, string] };
}

const grant = (server: TestServer, account: TestAccount, keyPath: string, rules: Grant[]) =>
  server
    .http()
    .put(`${keyPath}/permissions`)
    .auth(...account.auth)
    .send({ rules });

const check = (server: TestServer, auth: [string, string], action: string, resource?: object) =>
  server
    .http()
    .post('/v1_1/authorize')
    .auth(...auth)
    .send({ action, resource });

/** `[allowed, reason, rule]` of a decision by the server with the plugin. */
async function verdict(auth: [string, string], action: string, resource?: object) {
  const res = await check(withVideo, auth, action, resource);
  expect(res.status).toBe(200);
  return [res.body.allowed, res.body.reason, res.body.rule];
}

describe('a server with the video plugin', () => {
  beforeAll(async () => {
    withVideo = await startServer({}, [...BUILTIN_PLUGINS, videoPlugin]);
    owner = await withVideo.newAccount('Video customer');
  });
  afterAll(() => withVideo.close());

  test('the catalogue lists the video plugin after the built-in ones, with its actions and attributes', async () => {
    const env = await environmentOn(withVideo, owner);
    const res = await withVideo
      .http()
      .get('/v1_1/permissions/catalog')
      .auth(...env.auth);
    expectVideoCatalogue(res);
    expect(res.body.plugins[3].actions.map((a: { name: string }) => a.name)).toEqual([
      'video:transcode',
      'video:concat',
      'video:thumbnails',
      'video:live_stream.start',
      'video:live_stream.stop',
    ]);
    expect(res.body.plugins[3].actions[0].attributes).toContainEqual({
      name: 'duration_seconds',
      type: 'number',
      description: expect.any(String),
    });
  });

  test('default policies: an environment key (upload:*, admin:*) may not transcode; an account key (*) may', async () => {
    const env = await environmentOn(withVideo, owner);
    expect(await verdict(env.auth, 'video:transcode', { duration_seconds: 10 })).toEqual([false, 'NO_MATCHING_RULE', null]);
    expect(await verdict(owner.auth, 'video:transcode', { duration_seconds: 10 })).toEqual([true, 'ALLOWED', 0]);
  });

  describe('a grant with a condition on a numeric attribute', () => {
    let env: Awaited<ReturnType<typeof environmentOn>>;
    beforeAll(async () => {
      env = await environmentOn(withVideo, owner);
      const res = await grant(withVideo, owner, env.path, SHORT_VIDEOS);
      expect({ status: res.status, body: res.body }).toEqual({
        status: 200,
        body: { api_key: env.auth[0], rules: SHORT_VIDEOS, roles: [], default: false },
      });
    });

    test.each([
      ['300 seconds', 'video:transcode', { duration_seconds: 300 }, [true, 'ALLOWED', 0]],
      ['exactly 600 seconds', 'video:transcode', { duration_seconds: 600 }, [true, 'ALLOWED', 0]],
      ['3600 seconds', 'video:transcode', { duration_seconds: 3600 }, [false, 'NO_MATCHING_RULE', null]],
      ['no resource: a missing attribute never satisfies $lte', 'video:transcode', undefined, [false, 'NO_MATCHING_RULE', null]],
      ['a resource without the attribute', 'video:transcode', { profile: 'hd' }, [false, 'NO_MATCHING_RULE', null]],
      ['a null duration, which counts as missing', 'video:transcode', { duration_seconds: null }, [false, 'NO_MATCHING_RULE', null]],
      ['an action the grant does not name', 'video:concat', { duration_seconds: 300 }, [false, 'NO_MATCHING_RULE', null]],
      ['the default policy is replaced, not extended', 'upload:upload', undefined, [false, 'NO_MATCHING_RULE', null]],
    ])('%s', async (_, action, resource, expected) => {
      expect(await verdict(env.auth, action, resource)).toEqual(expected);
    });

    // As in MongoDB, a value of another type is not ordered against a number; a 400 would do as well as a refusal.
    test.each([
      ['a word', 'unknown'],
      ['a boolean', true],
      ['an object', { $lte: 1 }],
    ])('a duration that is %s is never within the limit', async (_, duration) => {
      const res = await check(withVideo, env.auth, 'video:transcode', { duration_seconds: duration });
      expect([200, 400]).toContain(res.status);
      expect(res.body.allowed).not.toBe(true);
    });
  });

  test('video:* covers every video action, and its conditions may use only attributes they all declare', async () => {
    const env = await environmentOn(withVideo, owner);
    const everyVideo: Grant[] = [
      allow(['video:*']),
      { effect: 'deny', actions: ['video:*'], conditions: { folder: { $regex: '^archive/' } } },
    ];
    expect((await grant(withVideo, owner, env.path, everyVideo)).body).toEqual({
      api_key: env.auth[0],
      rules: everyVideo,
      roles: [],
      default: false,
    });
    for (const action of videoPlugin.actions.map((a) => `video:${a.name}`)) {
      expect([action, await verdict(env.auth, action, { folder: 'live/a' })]).toEqual([action, [true, 'ALLOWED', 0]]);
      expect([action, await verdict(env.auth, action, { folder: 'archive/a' })]).toEqual([action, [false, 'DENIED_BY_RULE', 1]]);
    }
    expect(await verdict(env.auth, 'admin:ping.read')).toEqual([false, 'NO_MATCHING_RULE', null]);
  });

  test.each([
    [
      'an attribute some video actions lack',
      allow(['video:*'], { duration_seconds: { $lte: 600 } }),
      'rules[0].conditions.duration_seconds',
    ],
    [
      'a string operand for a number',
      allow(['video:transcode'], { duration_seconds: { $lte: '600' } }),
      'rules[0].conditions.duration_seconds.$lte: must be a number',
    ],
    [
      '$regex on a number',
      allow(['video:transcode'], { duration_seconds: { $regex: '^1' } }),
      'rules[0].conditions.duration_seconds.$regex',
    ],
    ['an unknown video action', allow(['video:transcode', 'video:render']), 'rules[0].actions[1]: unknown action "video:render"'],
  ])('a video policy with %s → 400 naming its place, policy unchanged', async (_, rule, place) => {
    const env = await environmentOn(withVideo, owner);
    const res = await grant(withVideo, owner, env.path, [rule]);
    expectError(res, 400);
    expect(res.body.error.message).toContain(place);
    expect(
      (
        await withVideo
          .http()
          .get(`${env.path}/permissions`)
          .auth(...owner.auth)
      ).body,
    ).toMatchObject({ default: true });
  });
});

describe('a server without the plugin', () => {
  let without: TestServer;
  let account: TestAccount;
  let env: Awaited<ReturnType<typeof environmentOn>>;
  beforeAll(async () => {
    without = await startServer();
    account = await without.newAccount('No video here');
    env = await environmentOn(without, account);
  });
  afterAll(() => without.close());

  test.each(['video:transcode', 'video:*'])('refuses %s in a policy with 400', async (action) => {
    expectError(await grant(without, account, env.path, [allow([action])]), 400, {
      error: { message: `rules[0].actions[0]: unknown action "${action}"`, path: 'rules[0].actions[0]' },
    });
  });

  test('refuses video:transcode in /v1_1/authorize with 400, and lists no video plugin', async () => {
    expectError(await check(without, env.auth, 'video:transcode', { duration_seconds: 1 }), 400, {
      error: { message: 'action: unknown action "video:transcode"' },
    });
    const catalog = await without
      .http()
      .get('/v1_1/permissions/catalog')
      .auth(...account.auth);
    expect(catalog.body.plugins.map((p: { name: string }) => p.name)).toEqual(['provisioning', 'upload', 'admin']);
  });
});
