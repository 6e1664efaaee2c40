import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { KEY_USAGE_SINK } from '@castellan/core';
import { CredentialsModule } from '@castellan/credentials';
import { EnvironmentsModule } from '@castellan/environments';
import { AccessKeyUsageController } from './access-key-usage.controller.js';
import { AccountApiKeyUsageController } from './account-api-key-usage.controller.js';
import { KeyUsageHourEntity } from './key-usage-hour.entity.js';
import { KeyUsageRecorder } from './key-usage.recorder.js';
import { KeyUsageRepository } from './key-usage.repository.js';
import { KeyUsageService } from './key-usage.service.js';

const KEY_USAGE_ENTITIES = [KeyUsageHourEntity];

/**
 * The counts, their writes and their reads. Not global: Nest shuts global modules down last, TypeORM's among
 * them, so the recorder's last flush (after the HTTP server has closed, for requests that were in flight) finds
 * the database still open.
 */
@Module({
  imports: [TypeOrmModule.forFeature(KEY_USAGE_ENTITIES), CredentialsModule, EnvironmentsModule],
  controllers: [AccessKeyUsageController, AccountApiKeyUsageController],
  providers: [KeyUsageRepository, KeyUsageRecorder, KeyUsageService],
  exports: [KeyUsageRecorder],
})
export class KeyUsageStoreModule {}

/**
 * Key usage: counted through KEY_USAGE_SINK by the access guard and the decision API, written in batches, and
 * read per key (`…/usage`). Global only for KEY_USAGE_SINK, which the guard (libs/credentials) and the decision
 * API need without depending on this library.
 */
@Global()
@Module({
  imports: [KeyUsageStoreModule],
  providers: [{ provide: KEY_USAGE_SINK, useExisting: KeyUsageRecorder }],
  exports: [KEY_USAGE_SINK],
})
export class KeyUsageModule {}
