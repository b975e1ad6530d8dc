import { DomainError } from '../../shared/domain-error.js';
import { ErrorCode } from '../../shared/error-code.js';

/** No valid token: missing, unknown, expired or revoked. */
export class UnauthenticatedError extends DomainError {
  constructor(message = 'a valid API token is required (Authorization: Bearer <token>)') {
    super(ErrorCode.UNAUTHENTICATED, message);
  }
}

/** The token's role may not use the operation. */
export class ForbiddenError extends DomainError {
  constructor(operation: string, role: string) {
    super(ErrorCode.FORBIDDEN, `role ${role} may not use ${operation}`);
  }
}

/**
 * The caller's token may use the operation only on some devices, and on none here: an ENROLLER
 * token without a user enrolls devices and does nothing else (auth/device-scope.policy.ts).
 */
export class OutOfScopeError extends DomainError {
  constructor(operation: string) {
    super(
      ErrorCode.FORBIDDEN,
      `an ENROLLER token without a user only enrolls devices; ${operation} needs a token of the device's user or an operator`,
    );
  }
}
