import { failureDelaySeconds, MAX_DELAY_SECONDS } from './auth-throttle.js';

describe('failureDelaySeconds', () => {
  test('the burst costs nothing', () => {
    for (let failures = 0; failures <= 10; failures++) expect(failureDelaySeconds(failures, 10)).toBe(0);
  });

  test('each failure past the burst doubles the delay, from 1 s', () => {
    expect([11, 12, 13, 14, 15, 20].map((n) => failureDelaySeconds(n, 10))).toEqual([1, 2, 4, 8, 16, 512]);
    expect(failureDelaySeconds(2, 1)).toBe(1);
  });

  test('the delay stops at 15 minutes, however long the failures go on', () => {
    expect(MAX_DELAY_SECONDS).toBe(900);
    expect(failureDelaySeconds(21, 10)).toBe(900);
    expect(failureDelaySeconds(5000, 10)).toBe(900);
  });
});
