import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import {
  AppConfig,
  configureFastify,
  createValidationPipe,
  enabledLogLevels,
  FASTIFY_OPTIONS,
  HttpExceptionFilter,
  RequestLogger,
  SESSION_COOKIE,
} from '@castellan/core';
import { prepareDatabase } from '@castellan/database';
import { BUILTIN_PLUGINS, PermissionPlugin } from '@castellan/permissions';
import { AppModule } from './app.module.js';
import { registerConsole } from './console.js';
import { registerFrontDoor } from './front-door.js';

/** Request bodies above this size are refused with 413 before parsing. */
const BODY_LIMIT_BYTES = 1024 * 1024;
const DOCS_PATH = 'docs';

/**
 * Node's own bounds on slow clients (a header line now and then, a body a byte at a time, an idle keep-alive),
 * which answer 408 and close. Node checks them every `connectionsCheckingInterval`, 30 s by default: a tenth of the
 * shortest makes a 10 s bound hold to within a second.
 */
function httpServerOptions(limits: AppConfig['http']) {
  return {
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 10))),
    },
  };
}

/**
 * Builds the whole HTTP application, migrated and ready to listen. The server's entry point and the
 * end-to-end tests both use it, so the tests exercise exactly what runs in production. Permission plugins
 * beyond the built-in ones are registered here.
 */
export async function createApp(config: AppConfig, plugins: PermissionPlugin[] = BUILTIN_PLUGINS): Promise<NestFastifyApplication> {
  // Behind a proxy, request.ip is the client X-Forwarded-For names, but only from the proxies TRUST_PROXY trusts.
  const hops = config.trustProxy;
  const trustProxy = typeof hops === 'number' ? (_address: string, hop: number) => hop < hops : hops;
  const adapter = new FastifyAdapter({ ...FASTIFY_OPTIONS, ...httpServerOptions(config.http), bodyLimit: BODY_LIMIT_BYTES, trustProxy });
  adapter.getInstance().server.maxConnections = config.http.maxConnections;
  configureFastify(adapter.getInstance(), { docsPath: `/${DOCS_PATH}`, bodyLimit: BODY_LIMIT_BYTES });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, plugins), adapter, {
    bodyParser: false,
    logger: new RequestLogger(enabledLogLevels(config.logLevel)),
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Castellan')
      .setDescription('Account provisioning and API-key permissions, in the Cloudinary Provisioning API wire format.')
      .setVersion('0.1.0')
      .addBasicAuth({ type: 'http', scheme: 'basic', description: 'An account API key and its secret' })
      .addCookieAuth(
        SESSION_COOKIE,
        { type: 'apiKey', in: 'cookie', description: 'A person signed in to the console: the session cookie POST /v1_1/sign-in sets' },
        SESSION_COOKIE,
      )
      .build(),
  );
  // Served outside Nest's router, and deliberately public: the API description is not a secret.
  SwaggerModule.setup(DOCS_PATH, app, document, { jsonDocumentUrl: `${DOCS_PATH}-json` });
  // Also outside Nest's router and public: static files; everything the console shows comes from the API.
  await registerConsole(adapter.getInstance(), config.consoleDir);
  registerFrontDoor(adapter.getInstance());

  await prepareDatabase(app);
  return app;
}
