import { Injectable } from '@nestjs/common';
import { AppError, isoSeconds } from '@castellan/core';
import { KeyStore, KeyScope } from '@castellan/credentials';
import { EnvironmentDirectory } from '@castellan/environments';
import { KeyUsageDto, KeyUsageHourDto, USAGE_HOURS } from './dto/key-usage.dto.js';
import { HOUR_MS, hourOf, KeyUsageRecorder } from './key-usage.recorder.js';

/**
 * A key's allowed and denied uses per hour over the last 7 days. Read from the primary, like what gates access:
 * a replica's lag would hide counts that this instance has just written and no longer holds.
 */
@Injectable()
export class KeyUsageService {
  constructor(
    private readonly recorder: KeyUsageRecorder,
    private readonly keys: KeyStore,
    private readonly environments: EnvironmentDirectory,
  ) {}

  async forAccessKey(accountId: string, environmentId: string, apiKey: string): Promise<KeyUsageDto> {
    if (!(await this.environments.findById(accountId, environmentId))) throw AppError.notFound('Product environment', environmentId);
    return this.usage(accountId, { kind: 'environment', environmentId }, apiKey, 'Access key');
  }

  forAccountKey(accountId: string, apiKey: string): Promise<KeyUsageDto> {
    return this.usage(accountId, { kind: 'account' }, apiKey, 'Account API key');
  }

  /** `what` names the key in a 404, as the key's other routes do. */
  private async usage(accountId: string, scope: KeyScope, apiKey: string, what: string): Promise<KeyUsageDto> {
    if (!(await this.keys.findByApiKey(accountId, scope, apiKey))) throw AppError.notFound(what, apiKey);
    const to = hourOf(Date.now());
    const from = to - USAGE_HOURS + 1;
    const counts = await this.recorder.countsSince(accountId, apiKey, from);
    const hours: KeyUsageHourDto[] = [];
    const totals = { allowed: 0, denied: 0 };
    for (let hour = from; hour <= to; hour++) {
      const { allowed, denied } = counts.get(hour) ?? { allowed: 0, denied: 0 };
      hours.push({ hour: hourIso(hour), allowed, denied });
      totals.allowed += allowed;
      totals.denied += denied;
    }
    return { api_key: apiKey, from: hourIso(from), to: hourIso(to), hours, totals };
  }
}

const hourIso = (hour: number): string => isoSeconds(new Date(hour * HOUR_MS));
