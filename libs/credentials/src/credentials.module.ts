import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig, SecretHasher } from '@castellan/core';
import { connectRedis, ThrottlingModule } from '@castellan/throttling';
import { AccessGuard } from './access.guard.js';
import { ApiKeyCountEntity } from './api-key-count.entity.js';
import { ApiKeyEntity } from './api-key.entity.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { KeyStore } from './key-store.js';
import { BasicAuthGuard, BasicAuthStrategy } from './basic-auth.strategy.js';
import { CredentialVerifier } from './credential-verifier.js';
import { KeyCache } from './key-cache.js';
import { KeyCacheInvalidator } from './key-cache.invalidator.js';
import { KeyCacheObserver } from './key-cache.observer.js';
import { ActionAuthorizer } from './action-authorizer.js';
import { GrantService } from './grants/grant.service.js';
import { KeyDirectory } from './key-directory.js';
import { KeyIssuer } from './key-issuer.js';
import { KeySettings } from './key-settings.js';
import { KeyPrincipals } from './key-principals.js';
import { LastUseRecorder } from './last-use.recorder.js';
import { AuthenticationRequestFields } from './request-fields.js';

function invalidatorFor(cache: KeyCache, config: AppConfig): KeyCacheInvalidator {
  if (!config.redisUrl) return new KeyCacheInvalidator(cache, null);
  const publisher = connectRedis(config.redisUrl, {
    context: 'KeyCache',
    whileDown: 'other instances see changes made here when their cached keys reach their maximum age',
    whenBack: 'changes are announced to every instance again',
  });
  // A connection that subscribes can do nothing else.
  return new KeyCacheInvalidator(cache, { publisher, subscriber: publisher.duplicate() });
}

/**
 * The key store and authentication. Importing it installs the global access guard, and with it the throttling
 * the guard applies (the CLI loads it too, and never calls it), and the verification cache with the observer
 * that drops an account's entries after its changes.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ApiKeyEntity, ApiKeyCountEntity]), ThrottlingModule],
  providers: [
    SecretHasher,
    ApiKeyRepository,
    { provide: KeyStore, useExisting: ApiKeyRepository },
    KeyIssuer,
    KeyDirectory,
    KeySettings,
    GrantService,
    ActionAuthorizer,
    CredentialVerifier,
    KeyPrincipals,
    BasicAuthStrategy,
    BasicAuthGuard,
    LastUseRecorder,
    AuthenticationRequestFields,
    { provide: KeyCache, inject: [AppConfig], useFactory: (config: AppConfig) => new KeyCache(config.keyCacheTtlSeconds * 1000) },
    { provide: KeyCacheInvalidator, inject: [KeyCache, AppConfig], useFactory: invalidatorFor },
    { provide: APP_GUARD, useClass: AccessGuard },
    KeyCacheObserver,
  ],
  exports: [
    KeyStore,
    KeyDirectory,
    KeySettings,
    GrantService,
    ActionAuthorizer,
    SecretHasher,
    LastUseRecorder,
    KeyPrincipals,
    KeyCacheInvalidator,
  ],
})
export class CredentialsModule {}
