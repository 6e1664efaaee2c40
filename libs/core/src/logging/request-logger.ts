import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { SECRET_PREFIXES } from '../secrets/secret-format.js';
import { currentRequestId } from './request-context.js';

/** Shaped like a secret, checksum or not: redacting a look-alike costs nothing, missing a secret does. */
const SECRET_SHAPE = new RegExp(`(${Object.values(SECRET_PREFIXES).join('|')})_[0-9A-Za-z]{38}`, 'g');

/** Secrets are never logged on purpose; this catches the ones that would slip in (a secret pasted in a path). */
export function redactSecrets(text: string): string {
  return text.replace(SECRET_SHAPE, '$1_…[redacted]');
}

const STARTUP_NARRATION = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/**
 * Nest's console logger, with `[req <id>]` on every line written while a request is served, and secrets
 * redacted from everything it writes.
 */
export class RequestLogger extends ConsoleLogger {
  constructor(logLevels: LogLevel[]) {
    super({ logLevels });
  }

  /** Nest's start-up narration (each module, controller and route: ~90 lines) drowns the banner; it is for debugging. */
  override log(message: unknown, context?: string): void {
    if (context && STARTUP_NARRATION.has(context)) this.debug(message, context);
    else super.log(message, context);
  }

  protected override formatContext(context: string): string {
    const id = currentRequestId();
    return super.formatContext(context) + (id ? `[req ${id}] ` : '');
  }

  protected override formatMessage(
    logLevel: LogLevel,
    message: unknown,
    pidMessage: string,
    formattedLogLevel: string,
    contextMessage: string,
    timestampDiff: string,
    params?: Record<string, unknown>,
  ): string {
    return redactSecrets(super.formatMessage(logLevel, message, pidMessage, formattedLogLevel, contextMessage, timestampDiff, params));
  }

  // Nest calls it without a stack too.
  protected override printStackTrace(stack: string | undefined): void {
    if (stack) super.printStackTrace(redactSecrets(stack));
  }
}
