import type { Test } from 'supertest';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '@castellan/core';
import type { Method } from '../../support/http.js';
import { RegisteredRoute, registeredRoutes } from '../../support/routes.js';
import { buildTarget, Target } from './fixture.js';
import { OpenApiDocument, openApiDocument } from './openapi.js';
import { SecurityServer, startSecurityServer } from './server.js';

/** What the input suites (bad input, mass assignment) work on: a server, its populated target, and its routes. */
export interface InputSuite {
  server: SecurityServer;
  target: Target;
  doc: OpenApiDocument;
  routes: RegisteredRoute[];
}

export async function startInputSuite(): Promise<InputSuite> {
  const server = await startSecurityServer();
  return {
    server,
    target: await buildTarget(server),
    doc: await openApiDocument(server),
    // Public routes too: leak reports take input from anyone.
    routes: registeredRoutes(server.app).filter((r) => r.access !== undefined),
  };
}

/**
 * A request to `url` as the route's caller: the target's root key, or for a person's own routes (`/v1_1/me`, which
 * refuse every key) the session of the target's user without privileges. The CSRF header the console sends goes with
 * every request, so that what is refused is the input, never its missing header.
 */
export function request(suite: Pick<InputSuite, 'server' | 'target'>, route: RegisteredRoute, url: string): Test {
  const req = suite.server.http()[route.method as Method](url).set(CSRF_HEADER, CSRF_HEADER_VALUE);
  const person = route.access && !route.access.public && route.access.person;
  return person ? req.set('cookie', suite.target.sessions['session without privileges']) : req.auth(...suite.target.account.auth);
}
