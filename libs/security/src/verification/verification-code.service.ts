import { Injectable, Logger } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { AppError, ErrorCode, isoSeconds, newRecordId, Principal, SecretHasher } from '@castellan/core';
import { AccountTransactions } from '@castellan/accounts';
import { RequestLimit, RequestLimiter } from '@castellan/throttling';
import { Mailer } from '../mail/mailer.js';
import { VerificationCodeEntity } from './verification-code.entity.js';
import { VerificationCodeRepository } from './verification-code.repository.js';
import { UserDirectory } from '@castellan/people';
import { VerificationCodeSentDto, VerificationResultDto, VerifyCodeDto } from './dto/verification-code.dto.js';

/** How long a code is accepted. */
export const CODE_VALIDITY_MS = 10 * 60 * 1000;
/** Verifications a code survives; the fifth wrong one burns it. */
export const MAX_ATTEMPTS = 5;

/**
 * Codes mailed to one user per window: a resend or two, not a flood of anyone's inbox (a code lives 10 minutes and
 * each replaces the one before, so more never help).
 */
export const CODES_PER_USER: RequestLimit = { points: 5, durationSeconds: 600 };
/** Codes one key may send per window, to anyone: a support desk's pace, not a spray over every user. */
export const CODES_PER_CALLER: RequestLimit = { points: 30, durationSeconds: 600 };

/** Six decimal digits from the CSPRNG, every value equally likely (randomInt rejects biased draws). */
export const generateCode = (): string => randomInt(0, 1_000_000).toString().padStart(6, '0');

/**
 * The hash binds the code to its row, so equal codes of two users do not hash alike. SecretHasher's HMAC is
 * keyed with the server pepper, which the database does not hold.
 */
const hashInput = (id: string, code: string): string => `verification-code:${id}:${code}`;

const INVALID: VerificationResultDto = { valid: false };

/**
 * Support verification: an operator sends a user a one-time code by mail, the user reads it back, and the
 * operator checks it. The code is never logged here, never stored and never returned.
 */
@Injectable()
export class VerificationCodeService {
  private readonly logger = new Logger('VerificationCodes');

  constructor(
    private readonly codes: VerificationCodeRepository,
    private readonly users: UserDirectory,
    private readonly accounts: AccountTransactions,
    private readonly hasher: SecretHasher,
    private readonly mailer: Mailer,
    private readonly requests: RequestLimiter,
  ) {}

  /**
   * Mails the user a new code. Sends are counted per calling key and per user (429 past either, with Retry-After;
   * refused sends are audited like every change), so that no caller can flood an inbox.
   */
  async send(caller: Principal, userId: string): Promise<VerificationCodeSentDto> {
    const accountId = caller.accountId;
    // A person signed in counts as their user: every session of theirs shares one allowance.
    const sender = caller.session ? `user:${caller.accountId}:${caller.userId}` : caller.apiKey;
    await this.count('caller', sender, CODES_PER_CALLER, 'this key may send');
    const user = await this.users.findById(accountId, userId);
    if (!user) throw AppError.notFound('User', userId);
    await this.count('user', `${accountId}:${userId}`, CODES_PER_USER, 'a user may be sent');
    const code = generateCode();
    const now = new Date();
    const row = Object.assign(new VerificationCodeEntity(), {
      id: newRecordId(),
      accountId,
      userId,
      codeHash: '',
      attempts: 0,
      expiresAt: new Date(now.getTime() + CODE_VALIDITY_MS),
      createdAt: now,
    } satisfies VerificationCodeEntity);
    row.codeHash = this.hasher.hash(hashInput(row.id, code));
    await this.accounts.run(accountId, async (manager) => {
      // Under the account lock, two concurrent requests for one user cannot leave two live codes.
      await this.codes.replace(manager, row);
    });
    try {
      await this.mailer.send({ to: user.email, subject: 'Your Castellan verification code', text: mailText(code, row.expiresAt) });
    } catch (error) {
      // The stored code stays, unknown to anyone, until it expires or the next one replaces it.
      this.logger.error(`Could not mail a verification code to user ${userId}: ${(error as Error).message}`);
      throw new AppError(ErrorCode.Unavailable, 'The verification code could not be sent');
    }
    return { message: 'ok', expires_at: isoSeconds(row.expiresAt) };
  }

  private async count(bucket: string, id: string, limit: RequestLimit, who: string): Promise<void> {
    const allowance = await this.requests.consume(`verification-codes:${bucket}`, id, limit);
    if (allowance.allowed) return;
    const message =
      `Too many verification codes: ${who} ${limit.points} every ${limit.durationSeconds / 60} minutes; ` +
      `retry after ${allowance.retryAfterSeconds} seconds`;
    throw new AppError(ErrorCode.TooManyRequests, message, { 'Retry-After': String(allowance.retryAfterSeconds) });
  }

  async verify(accountId: string, input: VerifyCodeDto): Promise<VerificationResultDto> {
    if (!(await this.users.findById(accountId, input.user_id))) throw AppError.notFound('User', input.user_id);
    const row = await this.codes.findLatest(accountId, input.user_id);
    if (!row || row.expiresAt.getTime() <= Date.now()) return INVALID;
    if (!(await this.codes.takeAttempt(accountId, row.id, MAX_ATTEMPTS))) return INVALID;
    if (this.hasher.matches(hashInput(row.id, input.code), row.codeHash)) {
      // Only the request that burns the code succeeds, should two present it at once.
      return { valid: await this.codes.delete(accountId, row.id) };
    }
    await this.codes.deleteIfExhausted(accountId, row.id, MAX_ATTEMPTS);
    return INVALID;
  }
}

function mailText(code: string, expiresAt: Date): string {
  return [
    `Your Castellan verification code is ${code}`,
    '',
    `Read it to the support agent who asked you for it. It works once, until ${isoSeconds(expiresAt)}.`,
    'If nobody asked you for a code, do not share it.',
  ].join('\n');
}
