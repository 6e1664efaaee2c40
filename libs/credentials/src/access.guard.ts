import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ACCESS_METADATA, AppError, ErrorCode, Principal, RouteAccess } from '@castellan/core';
import { PolicyCompiler } from '@castellan/permissions';
import { BasicAuthGuard } from './basic-auth.strategy.js';

interface GuardedRequest {
  user?: Principal;
  params?: Record<string, string | undefined>;
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
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ACCESS_METADATA, [context.getHandler(), context.getClass()]);
    if (!access) throw new AppError(ErrorCode.Internal, 'Route declares no access rule');
    if (access.public) return true;

    await this.basic.canActivate(context);
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const principal = request.user!;
    // A key of another account is told no more than a wrong secret would be.
    const accountId = request.params?.['account_id'];
    if (accountId !== undefined && accountId !== principal.accountId) throw AppError.invalidCredentials();
    if (access.permission && !this.policies.forKey(principal.kind, principal.rules).decide(access.permission).allowed) {
      throw AppError.notAllowed(access.permission);
    }
    return true;
  }
}
