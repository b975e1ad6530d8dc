import {
  ApolloServerErrorCode,
  ApolloServerValidationErrorCode,
  unwrapResolverError,
} from '@apollo/server/errors';
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type GraphQLFormattedError,
  type ValidationContext,
} from 'graphql';
import type { Logger } from 'pino';
import { DomainError, InputValidationError } from '../shared/domain-error.js';
import { ErrorCode } from '../shared/error-code.js';

/** What {@link formatGraphQLError} may reveal; from the same configuration as Apollo's options. */
export interface ErrorDisclosure {
  /**
   * Production: no "Did you mean ...?" in any message. Apollo's `hideSchemaDetailsFromClientErrors`
   * strips them from validation errors only; graphql-js also suggests field and enum value names
   * when it coerces variables (`Did you mean "platform"?`, `Did you mean the enum value "IOS"?`),
   * which would reveal the schema to anyone, without a token. Default false.
   */
  hideSchemaDetails?: boolean;
}

/**
 * The one place that maps errors to GraphQL errors. Domain errors keep their message and get
 * their `extensions.code`; GraphQL's own errors (syntax, validation, bad variables) keep
 * Apollo's code; input that graphql-js or graphql-jit refuses while executing (see
 * {@link isInputCoercionError}) is BAD_USER_INPUT; anything else is masked as
 * INTERNAL_SERVER_ERROR, its details only in the log. With `hideSchemaDetails`, no message keeps
 * a suggestion. No error carries a stack trace (`extensions.stacktrace`) to the client, in any
 * mode: the stack of an unexpected error is logged under the request id that the response carries.
 * Apollo calls it over HTTP; graphql-ws reaches it through {@link formatClientErrors}.
 */
export function formatGraphQLError(
  formatted: GraphQLFormattedError,
  error: unknown,
  disclosure: ErrorDisclosure = {},
): GraphQLFormattedError {
  const result = mapError(withoutStacktrace(formatted), error);
  return disclosure.hideSchemaDetails ? { ...result, message: withoutSuggestions(result.message) } : result;
}

/** graphql-js's suggestions (`didYouMean`): " Did you mean "a"?", " Did you mean the enum value "B"?", lists of them. */
const SUGGESTION = / ?Did you mean [^?]*\?/g;

/** `message` without graphql-js's "Did you mean ...?" suggestions. */
export function withoutSuggestions(message: string): string {
  return message.replace(SUGGESTION, '');
}

function mapError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
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
  if (
    formatted.extensions?.['validationErrorCode'] === ApolloServerValidationErrorCode.INTROSPECTION_DISABLED
  ) {
    // Apollo's wording tells a developer to pass an option to ApolloServer; an operator of this
    // gateway has a setting for it.
    return {
      ...formatted,
      message: 'GraphQL introspection is disabled (production mode); set INTROSPECTION=true to allow it',
    };
  }
  const code = formatted.extensions?.['code'];
  if (code === undefined || code === ErrorCode.INTERNAL_SERVER_ERROR) {
    if (isInputCoercionError(formatted.message, original)) {
      return {
        message: formatted.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: ErrorCode.BAD_USER_INPUT },
      };
    }
    return {
      message: 'Internal server error; the request id in extensions identifies it in the gateway log',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  }
  return formatted;
}

/**
 * The input errors GraphQL raises after validation without a code, which Apollo would
 * therefore report as INTERNAL_SERVER_ERROR, recognised by graphql-js's and graphql-jit's wording
 * (neither exports a type or code for them):
 * - an argument refused while a field executes: GraphQL lets a nullable variable stand for a
 *   non-null argument that has a default (`query($m: Int) { fleetActivity(minutes: $m) }`), and
 *   an explicit `null` for it then fails only there (`Argument "minutes" of non-null type "Int!"
 *   must not be null.`); likewise a variable that was not provided a runtime value;
 * - variable coercion stopped after 50 errors (`Too many errors processing variables ...`): a
 *   list of 150 invalid items gives 50 BAD_USER_INPUT errors and this one, which carries no
 *   variable node for Apollo to recognise it by.
 * Only GraphQL's own errors qualify: an error a resolver threw is never taken for input.
 */
export function isInputCoercionError(message: string, original: unknown): boolean {
  if (original instanceof Error && !(original instanceof GraphQLError) && original.name !== 'GraphQLError')
    return false;
  return INPUT_COERCION_MESSAGES.some((pattern) => pattern.test(message));
}

const INPUT_COERCION_MESSAGES = [
  /^Argument "\w+" (of (non-null|required) type "[^"]+" (must not be null|was not provided|was provided the variable)|(of type "[^"]+" )?has invalid value)/,
  /^Too many errors processing variables, error limit reached\. Execution aborted\.$/,
];

/** How errors are shown outside Apollo (graphql-ws), set from the same configuration as Apollo's options. */
export interface ClientErrorPolicy {
  /**
   * Ignored: no error sends its stack trace to a client, in any mode (see {@link formatGraphQLError});
   * the stack of an unexpected error is in the log under its request id.
   * @deprecated kept so callers compile; to be removed
   */
  includeStacktrace?: boolean;
  /** No "Did you mean ...?" in validation errors (Apollo's `hideSchemaDetailsFromClientErrors`): production. */
  hideSchemaDetails: boolean;
}

/** True for an error the client did not cause and the log must explain (no code, or INTERNAL_SERVER_ERROR). */
export function isUnexpectedError(error: GraphQLError): boolean {
  // A domain error (a refusal the client caused) has no code on the GraphQLError wrapping it yet:
  // formatGraphQLError gives it its own.
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) return false;
  // Input refused by GraphQL itself while executing: formatGraphQLError makes it BAD_USER_INPUT.
  if (isInputCoercionError(error.message, original)) return false;
  const code = error.extensions?.['code'];
  return code === undefined || code === ErrorCode.INTERNAL_SERVER_ERROR;
}

/**
 * Errors as the client receives them over graphql-ws, exactly as Apollo sends them over HTTP:
 * Apollo's normalisation (variables that do not coerce are BAD_USER_INPUT, by graphql-js's
 * wording; every other error gets a code, INTERNAL_SERVER_ERROR by default; its `http`
 * hint is dropped; never a stack trace), then {@link formatGraphQLError},
 * then `extensions.requestId` (what apollo.ts's plugin adds). Unexpected errors are logged with
 * their stack under the request id, as over HTTP.
 */
export function formatClientErrors(
  errors: readonly GraphQLError[],
  requestId: string,
  policy: ClientErrorPolicy,
  logger: Logger,
): GraphQLFormattedError[] {
  return errors.map((error) => {
    if (isUnexpectedError(error) && !isBadVariableError(error))
      logger.error({ err: error.originalError ?? error, path: error.path, requestId }, 'unexpected error');
    let formatted: GraphQLFormattedError;
    try {
      const { http: _http, ...extensions } = error.extensions ?? {};
      formatted = formatGraphQLError(
        {
          ...error.toJSON(),
          extensions: {
            ...extensions,
            code:
              extensions['code'] ??
              (isBadVariableError(error) ? ErrorCode.BAD_USER_INPUT : ErrorCode.INTERNAL_SERVER_ERROR),
          },
        },
        error,
        { hideSchemaDetails: policy.hideSchemaDetails },
      );
    } catch {
      formatted = { message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
    }
    return { ...formatted, extensions: { ...formatted.extensions, requestId } };
  });
}

/** The error without `extensions.stacktrace` (Apollo adds one when asked to; none is ever sent). */
function withoutStacktrace(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!formatted.extensions || !('stacktrace' in formatted.extensions)) return formatted;
  const { stacktrace: _stacktrace, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}

/** A variable that did not coerce, recognised as Apollo's request pipeline does (its predicate is not exported). */
function isBadVariableError(error: GraphQLError): boolean {
  const node = error.nodes?.length === 1 ? error.nodes[0] : undefined;
  if (node?.kind !== Kind.VARIABLE_DEFINITION) return false;
  const name = node.variable.name.value;
  return ['has invalid value', 'got invalid value ', 'of required type ', 'of non-null type '].some((w) =>
    error.message.startsWith(`Variable "$${name}" ${w}`),
  );
}

/**
 * Errors of `validate()` as Apollo reports them: code GRAPHQL_VALIDATION_FAILED (the rule's own
 * extensions kept, e.g. `validationErrorCode`), and without "Did you mean ...?" when the policy
 * hides schema details (the same expression as Apollo's ApolloServerPluginDisableSuggestions).
 */
export function validationFailures(
  errors: readonly GraphQLError[],
  policy: ClientErrorPolicy,
): GraphQLError[] {
  return errors.map(
    (error) =>
      new GraphQLError(
        policy.hideSchemaDetails ? error.message.replace(/ ?Did you mean(.+?)\?$/, '') : error.message,
        {
          nodes: error.nodes,
          source: error.source,
          positions: error.positions,
          originalError: error.originalError ?? error,
          extensions: { ...error.extensions, code: ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED },
        },
      ),
  );
}

/** A syntax error of `parse()` as Apollo reports it: code GRAPHQL_PARSE_FAILED. */
export function parseFailure(error: GraphQLError): GraphQLError {
  return new GraphQLError(error.message, {
    source: error.source,
    positions: error.positions,
    originalError: error,
    extensions: {
      ...error.extensions,
      code: error.extensions['code'] ?? ApolloServerErrorCode.GRAPHQL_PARSE_FAILED,
    },
  });
}

/**
 * Refuses `__schema` and `__type` while introspection is off (INTROSPECTION unset in production):
 * the rule Apollo applies over HTTP (its NoIntrospection, which it does not export), with its
 * message and `extensions.validationErrorCode`, for graphql-ws.
 */
export function noIntrospectionRule(context: ValidationContext): ASTVisitor {
  return {
    Field(node) {
      if (node.name.value !== '__schema' && node.name.value !== '__type') return;
      context.reportError(
        new GraphQLError(
          'GraphQL introspection is not allowed by Apollo Server, but the query contained __schema or __type. To enable introspection, pass introspection: true to ApolloServer in production',
          {
            nodes: [node],
            extensions: { validationErrorCode: ApolloServerValidationErrorCode.INTROSPECTION_DISABLED },
          },
        ),
      );
    },
  };
}
