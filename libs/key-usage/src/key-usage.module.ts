import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { KEY_USAGE_SINK } from '@castellan/core';
import { CredentialsModule } from '@castellan/credentials';
import { EnvironmentsModule } from '@castellan/environments';
import { KeyUsageHourEntity } from './key-usage-hour.entity.js';
import { KeyUsageRecorder } from './key-usage.recorder.js';
import { KeyUsageRepository } from './key-usage.repository.js';
import { KeyUsageService } from './key-usage.service.js';

export const KEY_USAGE_ENTITIES = [KeyUsageHourEntity];

/**
 * The counts, their writes and their reads. Not global: Nest shuts global modules down last, TypeORM's among
 * them, so the recorder's last flush (after the HTTP server has closed, for requests that were in flight) finds
 * the database still open.
 */
@Module({
  imports: [TypeOrmModule.forFeature(KEY_USAGE_ENTITIES), CredentialsModule, EnvironmentsModule],
  providers: [KeyUsageRepository, KeyUsageRecorder, KeyUsageService],
  exports: [KeyUsageRecorder, KeyUsageService],
})
export class KeyUsageStoreModule {}

/**
 * Key usage: counted through KEY_USAGE_SINK by the access guard and the decision API, written in batches, and
 * read per key. Global, so that the guard (libs/credentials) and the decision API find KEY_USAGE_SINK without
 * depending on this library. Providers only: the API app mounts the controllers.
 */
@Global()
@Module({
  imports: [KeyUsageStoreModule],
  providers: [{ provide: KEY_USAGE_SINK, useExisting: KeyUsageRecorder }],
  exports: [KEY_USAGE_SINK, KeyUsageStoreModule],
})
export class KeyUsageModule {}
