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
