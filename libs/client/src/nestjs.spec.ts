import { Body, Controller, Get, HttpCode, type ModuleMetadata, Post, UseGuards } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { type CastellanClient, createCastellanClient, type RequestDecision } from './index.js';
import { type AppUnderTest, DESTROY, describeMiddleware, destroyResource, ROUTES, UNKNOWN_ACTION } from './middleware-contract.fixture.js';
import {
  CASTELLAN_CLIENT,
  CASTELLAN_GUARD_OPTIONS,
  CastellanDecision,
  CastellanGuard,
  type CastellanGuardOptions,
  RequireAction,
} from './nestjs.js';

@Controller('v1_1/:cloud_name/image')
class ImageController {
  @Post('destroy')
  @HttpCode(200)
  @RequireAction(DESTROY, { resource: (req) => destroyResource(req.body) })
  destroy(@CastellanDecision() decision: RequestDecision) {
    return { decision };
  }

  @Post('detonate')
  @HttpCode(200)
  @RequireAction(UNKNOWN_ACTION)
  detonate(@CastellanDecision() decision: RequestDecision) {
    return { decision };
  }

  /** No @RequireAction: what the guard does here is its `undeclared` option. */
  @Post('undeclared')
  undeclared(@Body() body: unknown) {
    return { body };
  }
}

/** A health check, for an app that guards only the controllers that ask for it. */
@Controller('health')
class HealthController {
  @Get()
  check() {
    return { status: 'ok' };
  }
}

@Controller('v1_1/:cloud_name/guarded')
@UseGuards(CastellanGuard)
class GuardedController {
  @Post()
  @RequireAction(DESTROY)
  destroy() {
    return {};
  }
}

async function startNest(metadata: ModuleMetadata): Promise<NestFastifyApplication> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

async function nestApp(client: CastellanClient, options?: CastellanGuardOptions): Promise<AppUnderTest> {
  const app = await startNest({
    controllers: [ImageController],
    providers: [
      { provide: CASTELLAN_CLIENT, useValue: client },
      ...(options ? [{ provide: CASTELLAN_GUARD_OPTIONS, useValue: options }] : []),
      { provide: APP_GUARD, useClass: CastellanGuard },
    ],
  });
  return {
    async post(path, authorization, body = {}) {
      const req = request(app.getHttpServer()).post(path).send(body);
      if (authorization) req.set('authorization', authorization);
      const res = await req;
      return { status: res.status, headers: res.headers, body: res.body };
    },
    close: () => app.close(),
  };
}

describeMiddleware(
  'NestJS',
  (client) => nestApp(client),
  (context) => {
    const undeclared = () => ROUTES.destroy.replace(':cloud_name', context().castellan.env.cloud_name).replace('destroy', 'undeclared');

    it('refuses a route without @RequireAction by default', async () => {
      const res = await context().app.post(undeclared(), context().key.authorization, { a: 1 });
      expect({ status: res.status, body: res.body }).toEqual({
        status: 403,
        body: { error: { message: 'No Castellan action is declared for this route' } },
      });
    });

    it('guards only the controllers of @UseGuards(CastellanGuard) when it is not the app guard', async () => {
      const client = { provide: CASTELLAN_CLIENT, useValue: createCastellanClient({ baseUrl: context().castellan.url }) };
      const app = await startNest({ controllers: [HealthController, GuardedController], providers: [client] });
      try {
        const health = await request(app.getHttpServer()).get('/health');
        const guarded = await request(app.getHttpServer()).post(`/v1_1/${context().castellan.env.cloud_name}/guarded`);
        expect([health, guarded].map(({ status, body }) => ({ status, body }))).toEqual([
          { status: 200, body: { status: 'ok' } },
          { status: 401, body: { error: { message: expect.stringMatching(/^Missing credentials/) } } },
        ]);
      } finally {
        await app.close();
      }
    });

    it("lets such a route through untouched with { undeclared: 'allow' }", async () => {
      const app = await nestApp(createCastellanClient({ baseUrl: context().castellan.url }), { undeclared: 'allow' });
      try {
        expect(await app.post(undeclared(), null, { a: 1 })).toMatchObject({ status: 201, body: { body: { a: 1 } } });
      } finally {
        await app.close();
      }
    });
  },
);
