import { randomBytes } from 'node:crypto';

const TIME_DIGITS = 12;
const RANDOM_DIGITS = 20;
const MAX_TIME = 16 ** TIME_DIGITS - 1;
const RANDOM_SPACE = 16n ** BigInt(RANDOM_DIGITS);

export const AUDIT_ID_PATTERN = /^[0-9a-f]{32}$/;

const timePart = (ms: number): string =>
  Math.min(Math.max(Math.floor(ms), 0), MAX_TIME)
    .toString(16)
    .padStart(TIME_DIGITS, '0');

/** The smallest id of a millisecond: ids at or after `ms` compare >= this one. */
export const auditIdFloor = (ms: number): string => timePart(ms) + '0'.repeat(RANDOM_DIGITS);

/**
 * Ids that sort by time: the millisecond, then randomness. Within one millisecond of one process the random
 * part only grows (as ULIDs do), so ORDER BY id is the order of recording here too.
 */
export class AuditIdGenerator {
  private lastMs = -1;
  private lastRandom = 0n;

  next(now: Date): string {
    let ms = now.getTime();
    if (ms < this.lastMs) ms = this.lastMs;
    if (ms === this.lastMs) {
      this.lastRandom += 1n + BigInt(randomBytes(2).readUInt16BE(0));
      if (this.lastRandom >= RANDOM_SPACE) {
        ms += 1;
        this.lastRandom = this.fresh();
      }
    } else {
      this.lastRandom = this.fresh();
    }
    this.lastMs = ms;
    return timePart(ms) + this.lastRandom.toString(16).padStart(RANDOM_DIGITS, '0');
  }

  /** A random start in the lower half, leaving room to grow within the millisecond. */
  private fresh(): bigint {
    return BigInt('0x' + randomBytes(10).toString('hex')) >> 1n;
  }
}
