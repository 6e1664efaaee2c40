import { Injectable } from '@nestjs/common';
import { AppError, Principal, reachOf } from '@castellan/core';
import { PermissionCatalog, PolicyCompiler, reaches } from '@castellan/permissions';

/** Where a check applies: in one product environment, or nowhere in particular. */
export interface ActionPlace {
  /** The product environment acted on; undefined when none is named. */
  environmentId?: string;
  /** Without an environment: the answer is filtered to the caller's reach, so a caller limited to some environments may ask. */
  withinReach?: boolean;
}

/**
 * Whether a caller may perform an action of Castellan's own, as the global guard decides it for every route: the
 * caller's policy allows the action, and it acts only where it reaches. A service that needs a second action of
 * the same caller (reading what it copies or simulates) asks here too, so that there is one answer everywhere.
 */
@Injectable()
export class ActionAuthorizer {
  constructor(
    private readonly policies: PolicyCompiler,
    private readonly catalog: PermissionCatalog,
  ) {}

  /** 403 naming the action (and the environment, when reach is what is missing) unless the caller may. */
  require(principal: Principal, action: string, place: ActionPlace = {}): void {
    if (!this.policies.forPrincipal(principal).decide(action).allowed) throw AppError.notAllowed(action);
    const reach = reachOf(principal);
    if (place.environmentId !== undefined) {
      if (!reaches(reach, place.environmentId)) throw AppError.notAllowed(`${action} in product environment ${place.environmentId}`);
    } else if (reach !== null && !place.withinReach && this.catalog.get(action)?.scope === 'environment') {
      throw AppError.notAllowed(`${action} across product environments: the caller reaches only some of them`);
    }
  }

  /** Whether the caller may (require without the error). */
  allows(principal: Principal, action: string, place: ActionPlace = {}): boolean {
    try {
      this.require(principal, action, place);
      return true;
    } catch (error) {
      if (error instanceof AppError) return false;
      throw error;
    }
  }
}
