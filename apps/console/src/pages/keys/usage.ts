/** The usage chart's arithmetic: scale, bars, day ticks and per-day totals, kept apart from React so it can be tested. */
import type { Schemas } from '../../api';

/** One hour of a key's use; `hour` is its start, ISO-8601 UTC. */
export type UsageHour = Schemas['KeyUsageHourDto'];

/** `GET …/sub_accounts/:id/access_keys/:api_key/usage`: 168 hours, oldest first. */
export type KeyUsage = Schemas['KeyUsageDto'];

const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

/**
 * The answer checked and tidied: hours with a valid date, in time order, counts as non-negative numbers. Throws when
 * it is not a usage answer.
 */
export function readUsage(raw: unknown): KeyUsage {
  const r = raw as Partial<KeyUsage> | null;
  if (!r || typeof r !== 'object' || !Array.isArray(r.hours)) throw new Error('The usage answer has an unexpected shape.');
  const hours = r.hours
    .filter((h): h is UsageHour => !!h && typeof h.hour === 'string' && !Number.isNaN(Date.parse(h.hour)))
    .map((h) => ({ hour: h.hour, allowed: count(h.allowed), denied: count(h.denied) }))
    .sort((a, b) => Date.parse(a.hour) - Date.parse(b.hour));
  const summed = hours.reduce((t, h) => ({ allowed: t.allowed + h.allowed, denied: t.denied + h.denied }), { allowed: 0, denied: 0 });
  const totals = r.totals && typeof r.totals === 'object' ? { allowed: count(r.totals.allowed), denied: count(r.totals.denied) } : summed;
  return { api_key: String(r.api_key ?? ''), from: String(r.from ?? hours[0]?.hour ?? ''), to: String(r.to ?? ''), hours, totals };
}

/** The y axis' top: the smallest of 1, 2, 2.5, 5 × 10ⁿ (whole numbers only) at or above `max`; 0 for no requests. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 0;
  if (max <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) {
    const candidate = step * power;
    if (candidate >= max && Number.isInteger(candidate)) return candidate;
  }
  return 10 * power;
}

export interface ChartBox {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export const DEFAULT_BOX: ChartBox = { width: 840, height: 220, left: 52, right: 10, top: 12, bottom: 30 };

export interface Bar {
  hour: UsageHour;
  x: number;
  width: number;
  /** Allowed requests: the lower part of the stack. */
  allowed: { y: number; height: number };
  /** Denied requests: stacked on top of the allowed ones. */
  denied: { y: number; height: number };
}

export interface DayTick {
  x: number;
  /** The day starting at x, UTC. */
  date: string;
  label: string;
}

export interface ChartLayout {
  yMax: number;
  plot: { x: number; y: number; width: number; height: number };
  bars: Bar[];
  ticks: DayTick[];
}

/** A bar part of `value` requests, tall at least 1 unit when there is any, so that a single request shows. */
function part(value: number, yMax: number, plotHeight: number): number {
  if (value <= 0 || yMax <= 0) return 0;
  return Math.max(1, (value / yMax) * plotHeight);
}

export function layoutChart(hours: UsageHour[], box: ChartBox = DEFAULT_BOX, locale?: string): ChartLayout {
  const plot = { x: box.left, y: box.top, width: box.width - box.left - box.right, height: box.height - box.top - box.bottom };
  const yMax = niceMax(Math.max(0, ...hours.map((h) => h.allowed + h.denied)));
  const slot = plot.width / Math.max(1, hours.length);
  const barWidth = Math.max(0.5, slot * 0.8);
  const bottom = plot.y + plot.height;
  const bars = hours.map((hour, i) => {
    const allowedHeight = part(hour.allowed, yMax, plot.height);
    const deniedHeight = Math.min(part(hour.denied, yMax, plot.height), plot.height - allowedHeight);
    const x = plot.x + i * slot + (slot - barWidth) / 2;
    return {
      hour,
      x,
      width: barWidth,
      allowed: { y: bottom - allowedHeight, height: allowedHeight },
      denied: { y: bottom - allowedHeight - deniedHeight, height: Math.max(0, deniedHeight) },
    };
  });
  const dayLabel = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' });
  const ticks = hours.flatMap((h, i) => {
    const at = new Date(h.hour);
    return at.getUTCHours() === 0 ? [{ x: plot.x + i * slot, date: at.toISOString().slice(0, 10), label: dayLabel.format(at) }] : [];
  });
  return { yMax, plot, bars, ticks };
}

export interface DayTotal {
  /** YYYY-MM-DD, UTC. */
  date: string;
  allowed: number;
  denied: number;
}

/** Requests per UTC day, oldest first. */
export function dailyTotals(hours: UsageHour[]): DayTotal[] {
  const days = new Map<string, DayTotal>();
  for (const h of hours) {
    const date = new Date(h.hour).toISOString().slice(0, 10);
    const day = days.get(date) ?? { date, allowed: 0, denied: 0 };
    day.allowed += h.allowed;
    day.denied += h.denied;
    days.set(date, day);
  }
  return [...days.values()];
}

/** "1,234" in the reader's locale (or the one given). */
export const formatCount = (n: number, locale?: string) => new Intl.NumberFormat(locale).format(n);

/** The chart's one-line summary, which is also its caption. */
export const usageSummary = (totals: { allowed: number; denied: number }, locale?: string) =>
  `Requests per hour, last 7 days: ${formatCount(totals.allowed, locale)} allowed, ${formatCount(totals.denied, locale)} denied`;
