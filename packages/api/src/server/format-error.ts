import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { DomainError, InputValidationError } from '../shared/domain-error.js';
import { ErrorCode } from '../shared/error-code.js';

/**
 * The one place that maps errors to GraphQL errors. Domain errors keep their message and get
 * their `extensions.code`; GraphQL's own errors (syntax, validation, bad variables) keep
 * Apollo's code; anything else is masked as INTERNAL_SERVER_ERROR, its details only in the log.
 */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) {
    return {
      message: original.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: {
        code: original.code,
        ...(original instanceof InputValidationError ? { violations: original.violations } : {}),
      },
    };
  }
  const code = formatted.extensions?.['code'];
  if (code === undefined || code === ErrorCode.INTERNAL_SERVER_ERROR) {
    return {
      message: 'Internal server error; the request id in extensions identifies it in the gateway log',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  }
  return formatted;
}
