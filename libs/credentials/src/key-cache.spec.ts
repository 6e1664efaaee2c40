import { KeyCache, VerifiedKey } from './key-cache.js';
import { cachedKey, loaded } from './key-cache.fixture.js';

/** A load the test finishes when it chooses, counting how often the cache asked for one. */
function loads() {
  const pending: ((value: VerifiedKey | null) => void)[] = [];
  return {
    load: (_apiKey: string) => new Promise<VerifiedKey | null>((resolve) => pending.push(resolve)),
    count: () => pending.length,
    finish: (i: number, value: VerifiedKey | null) => pending[i]!(value),
  };
}

describe('KeyCache', () => {
  test('keeps what it loaded, and a burst for one api_key waits for one load', async () => {
    const cache = new KeyCache(60_000);
    const loader = loads();
    const burst = [cache.get('k1', loader.load), cache.get('k1', loader.load), cache.get('k1', loader.load)];
    expect(loader.count()).toBe(1);
    loader.finish(0, cachedKey('k1', 'acc'));
    expect((await Promise.all(burst)).map((e) => e?.principal.name)).toEqual(['v1', 'v1', 'v1']);
    expect((await cache.get('k1', loaded(cachedKey('k1', 'acc', 2))))?.principal.name).toBe('v1');
  });

  test('remembers an unknown api_key, without another load', async () => {
    const cache = new KeyCache(60_000);
    let calls = 0;
    const none = () => (calls++, Promise.resolve(null));
    expect([await cache.get('nope', none), await cache.get('nope', none)]).toEqual([null, null]);
    expect(calls).toBe(1);
  });

  test("drop forgets the account's entries and no other's", async () => {
    const cache = new KeyCache(60_000);
    await cache.get('k1', loaded(cachedKey('k1', 'acc')));
    await cache.get('k2', loaded(cachedKey('k2', 'other')));
    cache.drop('acc');
    expect((await cache.get('k1', loaded(cachedKey('k1', 'acc', 2))))?.principal.name).toBe('v2');
    expect((await cache.get('k2', loaded(cachedKey('k2', 'other', 2))))?.principal.name).toBe('v1');
  });

  test('a load that began before a drop of its account serves its request but is not kept', async () => {
    const cache = new KeyCache(60_000);
    const loader = loads();
    const early = cache.get('k1', loader.load);
    cache.drop('acc');
    loader.finish(0, cachedKey('k1', 'acc', 1));
    expect((await early)?.principal.name).toBe('v1');
    expect((await cache.get('k1', loaded(cachedKey('k1', 'acc', 2))))?.principal.name).toBe('v2');
  });

  test('a request after a drop does not wait for a load that began before it', async () => {
    const cache = new KeyCache(60_000);
    const loader = loads();
    void cache.get('k1', loader.load);
    cache.drop('acc');
    const late = cache.get('k1', loader.load);
    expect(loader.count()).toBe(2);
    loader.finish(1, cachedKey('k1', 'acc', 2));
    loader.finish(0, cachedKey('k1', 'acc', 1));
    expect((await late)?.principal.name).toBe('v2');
  });

  test('an unknown api_key is not remembered when a drop happened while it was looked up', async () => {
    const cache = new KeyCache(60_000);
    const loader = loads();
    const looked = cache.get('new', loader.load);
    cache.drop('acc');
    loader.finish(0, null);
    expect(await looked).toBeNull();
    expect((await cache.get('new', loaded(cachedKey('new', 'acc'))))?.principal.name).toBe('v1');
  });

  test('clear forgets everything, unknown api_keys included', async () => {
    const cache = new KeyCache(60_000);
    await cache.get('k1', loaded(cachedKey('k1', 'acc')));
    await cache.get('nope', loaded(null));
    cache.clear();
    expect((await cache.get('k1', loaded(cachedKey('k1', 'acc', 2))))?.principal.name).toBe('v2');
    expect((await cache.get('nope', loaded(cachedKey('nope', 'acc'))))?.principal.name).toBe('v1');
  });

  test('an entry older than the maximum age is loaded again', async () => {
    const cache = new KeyCache(20);
    await cache.get('k1', loaded(cachedKey('k1', 'acc')));
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect((await cache.get('k1', loaded(cachedKey('k1', 'acc', 2))))?.principal.name).toBe('v2');
  });

  test('holds at most its bound, dropping the least recently used; an evicted key leaves its account cleanly', async () => {
    const cache = new KeyCache(60_000, 2);
    await cache.get('k1', loaded(cachedKey('k1', 'acc')));
    await cache.get('k2', loaded(cachedKey('k2', 'acc')));
    await cache.get('k1', loaded(null));
    await cache.get('k3', loaded(cachedKey('k3', 'acc')));
    expect((await cache.get('k2', loaded(cachedKey('k2', 'acc', 2))))?.principal.name).toBe('v2');
    cache.drop('acc');
    expect((await cache.get('k1', loaded(cachedKey('k1', 'acc', 2))))?.principal.name).toBe('v2');
  });

  test('a failed load rejects its requests, and nothing is kept', async () => {
    const cache = new KeyCache(60_000);
    await expect(cache.get('k1', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect((await cache.get('k1', loaded(cachedKey('k1', 'acc'))))?.principal.name).toBe('v1');
  });
});
