import { ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, fieldPath } from '../errors/app-error.js';

/** The first constraint broken, depth first, with the place of the field that broke it. */
function firstProblem(errors: ValidationError[], parent: string[] = []): { message: string; path?: string } | undefined {
  for (const error of errors) {
    const segments = [...parent, error.property];
    const message = error.constraints && Object.values(error.constraints)[0];
    // A nested field's message names it by its dotted path, as the messages have always said it. A body that is
    // no object at all breaks a constraint of no property: it has no path.
    if (message) {
      return {
        message: parent.length ? message.replace(error.property, segments.join('.')) : message,
        path: fieldPath(segments) || undefined,
      };
    }
    const nested = error.children && firstProblem(error.children, segments);
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
    exceptionFactory: (errors) => {
      const problem = firstProblem(errors);
      return problem ? AppError.invalid(problem.message, problem.path) : AppError.invalid('Invalid request');
    },
  });
}
