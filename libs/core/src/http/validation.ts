import { ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError } from '../errors/app-error.js';

function firstMessage(errors: ValidationError[], parent = ''): string | undefined {
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const message = error.constraints && Object.values(error.constraints)[0];
    if (message) return parent ? message.replace(error.property, path) : message;
    const nested = error.children && firstMessage(error.children, path);
    if (nested) return nested;
  }
  return undefined;
}

/**
 * Unknown fields are dropped rather than refused: the official SDKs send fields this server does not keep,
 * and nothing not declared on a DTO ever reaches a service (no mass assignment).
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidUnknownValues: true,
    validateCustomDecorators: false,
    exceptionFactory: (errors) => AppError.invalid(firstMessage(errors) ?? 'Invalid request'),
  });
}
