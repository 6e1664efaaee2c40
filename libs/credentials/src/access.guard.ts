import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ACCESS_METADATA, AppError, ErrorCode, Principal, RouteAccess } from '@castellan/core';
import { PolicyCompiler } from '@castellan/permissions';
import { BasicAuthGuard } from './basic-auth.strategy.js';
import { LastUseRecorder } from './last-use.recorder.js';

interface GuardedRequest {
  user?: Principal;
  params?: Record<string, string | undefined>;
  ip: string;
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
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ACCESS_METADATA, [context.getHandler(), context.getClass()]);
    if (!access) throw new AppError(ErrorCode.Internal, 'Route declares no access rule');
    if (access.public) return true;

    await this.basic.canActivate(context);
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const principal = request.user!;
    // A key of another account is told no more than a wrong secret would be.
    const params = request.params ?? {};
    const accountId = params['account_id'];
    if (accountId !== undefined && accountId !== principal.accountId) throw AppError.invalidCredentials();
    this.lastUse.record({ keyId: principal.keyId, accountId: principal.accountId, userId: principal.userId, ip: request.ip });
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
