import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { OkMessageDto, Public } from '@castellan/core';
import { LeakReportDto } from './dto/leak-report.dto.js';
import { LEAK_REPORT_LIMIT, LeakService } from './leak.service.js';

/**
 * Public by design: whoever finds a leaked secret may report it, and the secret is the only proof needed.
 * Credentials sent along are ignored.
 */
@ApiTags('Leak response')
@Controller('v1_1/leaks')
export class LeakController {
  constructor(private readonly leaks: LeakService) {}

  @Post()
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: OkMessageDto, description: 'The same answer whether or not a secret matched a key: keys whose secret was reported are disabled shortly after' })
  @ApiTooManyRequestsResponse({ description: `Over ${LEAK_REPORT_LIMIT.points} reports a minute from one address; Retry-After says when to try again` })
  report(@Body() body: LeakReportDto, @Ip() ip: string): Promise<OkMessageDto> {
    return this.leaks.report(body.secrets, ip);
  }
}
