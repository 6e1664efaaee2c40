import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '@castellan/core';
import { DatabaseGuard } from '@castellan/database';

@ApiTags('Health')
@Controller('health')
export class HealthController {
  constructor(private readonly database: DatabaseGuard) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'Check that the server and its database answer',
    description: 'For load balancers and orchestrators: 200 `{status: "ok"}` while the database answers.',
  })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  @ApiServiceUnavailableResponse({ description: 'The database is not answering', schema: { example: { status: 'unavailable' } } })
  async check(@Res({ passthrough: true }) reply: FastifyReply): Promise<{ status: string }> {
    if (await this.database.answering()) return { status: 'ok' };
    void reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'unavailable' };
  }
}
