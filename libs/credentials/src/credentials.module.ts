import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SecretHasher } from '@castellan/core';
import { ThrottlingModule } from '@castellan/throttling';
import { AccessGuard } from './access.guard.js';
import { ApiKeyEntity } from './api-key.entity.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { BasicAuthGuard, BasicAuthStrategy } from './basic-auth.strategy.js';
import { CredentialVerifier } from './credential-verifier.js';
import { KeyIssuer } from './key-issuer.js';
import { KeyPrincipals } from './key-principals.js';
import { LastUseRecorder } from './last-use.recorder.js';

/**
 * The key store and authentication. Importing it installs the global access guard, and with it the throttling
 * the guard applies (the CLI loads it too, and never calls it).
 */
@Module({
  imports: [PassportModule, TypeOrmModule.forFeature([ApiKeyEntity]), ThrottlingModule],
  providers: [
    SecretHasher,
    ApiKeyRepository,
    KeyIssuer,
    CredentialVerifier,
    KeyPrincipals,
    BasicAuthStrategy,
    BasicAuthGuard,
    LastUseRecorder,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [ApiKeyRepository, KeyIssuer, SecretHasher, LastUseRecorder, KeyPrincipals],
})
export class CredentialsModule {}
