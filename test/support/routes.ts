import type { INestApplication } from '@nestjs/common';
import { RequestMethod } from '@nestjs/common';
import { HTTP_CODE_METADATA, INTERCEPTORS_METADATA, METHOD_METADATA, PATH_METADATA, REDIRECT_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { ACCESS_METADATA, RouteAccess } from '@castellan/core';

/** One handler Nest routes to, read from the metadata its decorators left. */
export interface RegisteredRoute {
  /** `Controller.handler (/full/path)` */
  name: string;
  controller: string;
  method: Lowercase<keyof typeof RequestMethod>;
  /** Controller path and handler path joined, with Nest's `:param` placeholders: `/v1_1/.../:account_id/sub_accounts`. */
  path: string;
  /** The names of the path parameters, in order. */
  params: string[];
  access: RouteAccess | undefined;
  /** The status a success answers with. */
  status: number;
  /** Whether the handler answers a redirect (a browser's way through SAML sign-in) rather than JSON. */
  redirects: boolean;
  /** The interceptors bound to the handler or its controller (global ones are not listed). */
  interceptors: unknown[];
}

const joinPaths = (...parts: unknown[]): string =>
  `/${parts
    .map((p) => String(p ?? '').replace(/^\/+|\/+$/g, ''))
    .filter((p) => p !== '')
    .join('/')}`;

/** Every handler of every controller of the running application, with the access rule it declares (or undefined). */
export function registeredRoutes(app: INestApplication): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      if (!metatype) continue;
      const prototype = (metatype as { prototype: Record<string, unknown> }).prototype;
      for (const handlerName of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[handlerName];
        if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        const verb = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
        const path = joinPaths(Reflect.getMetadata(PATH_METADATA, metatype), Reflect.getMetadata(PATH_METADATA, handler));
        routes.push({
          name: `${metatype.name}.${handlerName} (${path})`,
          controller: metatype.name,
          method: RequestMethod[verb].toLowerCase() as RegisteredRoute['method'],
          path,
          params: [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!),
          access: Reflect.getMetadata(ACCESS_METADATA, handler) ?? Reflect.getMetadata(ACCESS_METADATA, metatype),
          status: Reflect.getMetadata(HTTP_CODE_METADATA, handler) ?? (verb === RequestMethod.POST ? 201 : 200),
          redirects: Reflect.getMetadata(REDIRECT_METADATA, handler) !== undefined,
          interceptors: [
            ...(Reflect.getMetadata(INTERCEPTORS_METADATA, metatype) ?? []),
            ...(Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? []),
          ],
        });
      }
    }
  }
  return routes;
}
