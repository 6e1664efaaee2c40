import { Global, Module } from '@nestjs/common';
import { AppConfig } from '@castellan/core';
import { AuthThrottle } from './auth-throttle.js';
import { KeyRateLimiter } from './key-rate-limiter.js';
import { connectRedis, LimiterStore } from './limiter-store.js';
import { RequestLimiter } from './request-limiter.js';

/**
 * Failed-authentication throttling and request limits, over Redis when REDIS_URL is set and in memory
 * otherwise. Imported by the credentials module, whose guard needs it wherever it runs; global, so that any
 * route's service can limit requests with RequestLimiter.
 */
@Global()
@Module({
  providers: [
    {
      provide: LimiterStore,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new LimiterStore(config.redisUrl ? connectRedis(config.redisUrl) : null),
    },
    AuthThrottle,
    RequestLimiter,
    KeyRateLimiter,
  ],
  exports: [AuthThrottle, RequestLimiter, KeyRateLimiter],
})
export class ThrottlingModule {}
