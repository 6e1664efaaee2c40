import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ACCESS_METADATA, AppError, AUDIT_SINK, AuthFailureReason, ErrorCode, Principal, RouteAccess } from '@castellan/core';
import type { AuditSink } from '@castellan/core';
import { PolicyCompiler } from '@castellan/permissions';
import { AuthenticatingRequest, BasicAuthGuard } from './basic-auth.strategy.js';
import { LastUseRecorder } from './last-use.recorder.js';

interface GuardedRequest extends AuthenticatingRequest {
  user?: Principal;
  params?: Record<string, string | undefined>;
  headers: Record<string, string | string[] | undefined>;
  ip: string;
}

/** The api_key a Basic header presents, when it has the shape of one. Reads the user part only, never the secret. */
export function presentedApiKey(authorization: string | string[] | undefined): string | null {
  const match = typeof authorization === 'string' ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization) : null;
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  const user = separator < 0 ? decoded : decoded.slice(0, separator);
  return /^\d{15}$/.test(user) ? user : null;
}

/**
 * The global guard. Every route must declare its access with @Authenticated or @Public; one that declares
 * nothing is refused, so forgetting is never an open door.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly basic: BasicAuthGuard,
    private readonly policies: PolicyCompiler,
    private readonly lastUse: LastUseRecorder,
    // Absent where the audit log is not loaded (the CLI).
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ACCESS_METADATA, [context.getHandler(), context.getClass()]);
    if (!access) throw new AppError(ErrorCode.Internal, 'Route declares no access rule');
    if (access.public) return true;

    const request = context.switchToHttp().getRequest<GuardedRequest>();
    try {
      await this.basic.canActivate(context);
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.InvalidCredentials) {
        // Passport refuses a missing or unreadable header itself, before the strategy runs.
        const failure = request.authFailure ?? { failure: AuthFailureReason.MissingCredentials, key: null };
        this.audit?.recordFailedAuthentication({
          apiKey: presentedApiKey(request.headers['authorization']),
          key: failure.key,
          ip: request.ip,
          reason: failure.failure,
        });
      }
      throw error;
    }
    const principal = request.user!;
    // A key of another account is told no more than a wrong secret would be; its own account's log shows the attempt.
    const params = request.params ?? {};
    const accountId = params['account_id'];
    if (accountId !== undefined && accountId !== principal.accountId) {
      this.audit?.recordFailedAuthentication({
        apiKey: principal.apiKey,
        key: { accountId: principal.accountId, kind: principal.kind, userId: principal.userId },
        ip: request.ip,
        reason: AuthFailureReason.WrongAccount,
      });
      throw AppError.invalidCredentials();
    }
    this.lastUse.record({ keyId: principal.keyId, accountId: principal.accountId, userId: principal.userId, ip: request.ip });
    try {
      return this.authorize(access, principal, params);
    } catch (error) {
      this.audit?.recordRefusal(context, error);
      throw error;
    }
  }

  private authorize(access: RouteAccess & { public: false }, principal: Principal, params: Record<string, string | undefined>): boolean {
    if (!access.permission) return true;
    // A user's own key manages the user's own things without an action.
    if (access.owner && principal.userId !== null && params[access.owner] === principal.userId) return true;
    if (!this.policies.forPrincipal(principal).decide(access.permission).allowed) throw AppError.notAllowed(access.permission);
    // A user limited to some environments may not reach the others through the Provisioning API either.
    const environment = params['sub_account_id'];
    if (environment !== undefined && principal.environmentIds && !principal.environmentIds.includes(environment)) {
      throw AppError.notAllowed(`${access.permission} in product environment ${environment}`);
    }
    return true;
  }
}
