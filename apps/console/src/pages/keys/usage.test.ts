import { describe, expect, it } from 'vitest';
import { dailyTotals, DEFAULT_BOX, layoutChart, niceMax, readUsage, type UsageHour, usageSummary } from './usage';

/** 168 hours ending with the hour before `to`, oldest first, like the API. */
function week(to = '2026-12-08T00:00:00Z', counts: (i: number) => [number, number] = () => [0, 0]): UsageHour[] {
  const end = Date.parse(to);
  return Array.from({ length: 168 }, (_, i) => {
    const [allowed, denied] = counts(i);
    return { hour: new Date(end - (168 - i) * 3_600_000).toISOString().replace('.000Z', 'Z'), allowed, denied };
  });
}

describe('niceMax', () => {
  it('rounds up to 1, 2, 2.5 or 5 times a power of ten, in whole numbers', () => {
    expect(niceMax(0)).toBe(0);
    expect(niceMax(-3)).toBe(0);
    expect(niceMax(Number.NaN)).toBe(0);
    expect(niceMax(1)).toBe(1);
    expect(niceMax(2)).toBe(2);
    expect(niceMax(3)).toBe(5);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(10)).toBe(10);
    expect(niceMax(11)).toBe(20);
    expect(niceMax(21)).toBe(25);
    expect(niceMax(26)).toBe(50);
    expect(niceMax(999)).toBe(1000);
    expect(niceMax(1001)).toBe(2000);
    expect(niceMax(2400)).toBe(2500);
  });
});

describe('layoutChart', () => {
  it('draws 168 bars inside the plot, allowed below denied, scaled to the y maximum', () => {
    const hours = week(undefined, (i) => (i === 10 ? [30, 10] : i === 11 ? [0, 1] : [0, 0]));
    const { bars, yMax, plot } = layoutChart(hours);
    expect(bars).toHaveLength(168);
    expect(yMax).toBe(50);
    const bottom = plot.y + plot.height;
    const bar = bars[10];
    expect(bar.allowed.height).toBeCloseTo((30 / 50) * plot.height);
    expect(bar.allowed.y + bar.allowed.height).toBeCloseTo(bottom);
    expect(bar.denied.height).toBeCloseTo((10 / 50) * plot.height);
    expect(bar.denied.y + bar.denied.height).toBeCloseTo(bar.allowed.y);
    // A single request still shows.
    expect(bars[11].allowed.height).toBe(0);
    expect(bars[11].denied.height).toBeGreaterThanOrEqual(1);
    for (const b of bars) {
      expect(b.x).toBeGreaterThanOrEqual(plot.x);
      expect(b.x + b.width).toBeLessThanOrEqual(plot.x + plot.width + 1e-9);
    }
    expect(plot.x + plot.width).toBe(DEFAULT_BOX.width - DEFAULT_BOX.right);
  });

  it('never draws past the top, and draws nothing for an empty week', () => {
    const full = layoutChart(week(undefined, () => [1, 1]));
    expect(full.yMax).toBe(2);
    for (const b of full.bars) expect(b.denied.y).toBeGreaterThanOrEqual(full.plot.y - 1e-9);
    const empty = layoutChart(week());
    expect(empty.yMax).toBe(0);
    expect(empty.bars.every((b) => b.allowed.height === 0 && b.denied.height === 0)).toBe(true);
  });

  it('puts a tick at each UTC midnight, labelled with the day', () => {
    const { ticks, plot } = layoutChart(week('2026-12-08T00:00:00Z'), DEFAULT_BOX, 'en-US');
    expect(ticks.map((t) => t.date)).toEqual([
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
      '2026-12-04',
      '2026-12-05',
      '2026-12-06',
      '2026-12-07',
    ]);
    expect(ticks[0].label).toBe('Dec 1');
    expect(ticks[0].x).toBe(plot.x);
    const hoursLater = layoutChart(week('2026-12-08T18:00:00Z'), DEFAULT_BOX, 'en-US');
    expect(hoursLater.ticks).toHaveLength(7);
    expect(hoursLater.ticks[0].date).toBe('2026-12-02');
    expect(hoursLater.ticks[0].x).toBeCloseTo(plot.x + 6 * (plot.width / 168));
  });
});

describe('readUsage', () => {
  it('orders hours, drops bad ones and keeps the totals', () => {
    const usage = readUsage({
      api_key: '1',
      from: 'a',
      to: 'b',
      hours: [
        { hour: '2026-12-03T19:00:00Z', allowed: 2, denied: 1 },
        { hour: 'nonsense', allowed: 5, denied: 0 },
        { hour: '2026-12-03T18:00:00Z', allowed: -1, denied: '3' },
      ],
      totals: { allowed: 2, denied: 1 },
    });
    expect(usage.hours).toEqual([
      { hour: '2026-12-03T18:00:00Z', allowed: 0, denied: 0 },
      { hour: '2026-12-03T19:00:00Z', allowed: 2, denied: 1 },
    ]);
    expect(usage.totals).toEqual({ allowed: 2, denied: 1 });
  });

  it('sums the hours when the totals are missing, and refuses what is not a usage answer', () => {
    expect(readUsage({ hours: [{ hour: '2026-12-03T18:00:00Z', allowed: 4, denied: 2 }] }).totals).toEqual({ allowed: 4, denied: 2 });
    expect(() => readUsage(null)).toThrow();
    expect(() => readUsage({ error: { message: 'x' } })).toThrow();
  });
});

it('sums per UTC day, and words the summary', () => {
  const days = dailyTotals(week('2026-12-08T00:00:00Z', (i) => [i % 24 === 0 ? 2 : 1, 1]));
  expect(days).toHaveLength(7);
  expect(days[0]).toEqual({ date: '2026-12-01', allowed: 25, denied: 24 });
  expect(usageSummary({ allowed: 1234, denied: 5 }, 'en-US')).toBe('Requests per hour, last 7 days: 1,234 allowed, 5 denied');
});
