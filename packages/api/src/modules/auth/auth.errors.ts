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
