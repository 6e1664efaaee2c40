import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiRefusals, bodyRefusals, OkMessageDto, Public } from '@castellan/core';
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
  @ApiOperation({
    summary: 'Report leaked secrets',
    description:
      'For anyone who finds a Castellan secret where it should not be. Every key whose current secret is reported is disabled; a ' +
      'replaced secret still in its grace period stops at once. `secrets` holds 1 to 100 secrets (a JSON array, or repeated or ' +
      'comma-joined form fields).',
  })
  @ApiRefusals({
    ...bodyRefusals('secrets missing, over 100 of them, or an entry that is not a well-formed secret (the message names it)'),
    429: `Over ${LEAK_REPORT_LIMIT.points} reports a minute from one address; Retry-After says when to try again`,
  })
  @ApiOkResponse({
    type: OkMessageDto,
    description: 'The same answer whether or not a secret matched a key: keys whose secret was reported are disabled shortly after',
  })
  report(@Body() body: LeakReportDto, @Ip() ip: string): Promise<OkMessageDto> {
    return this.leaks.report(body.secrets, ip);
  }
}
