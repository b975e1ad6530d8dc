import { ApolloServerErrorCode } from '@apollo/server/errors';
import {
  GraphQLError,
  getOperationAST,
  Kind,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import {
  noIntrospectionRule,
  parseFailure,
  validationFailures,
  type ClientErrorPolicy,
} from './format-error.js';
import { checkTokenLimit } from './query-limits.js';

/** What a document must pass, as Apollo applies it over HTTP. */
export interface DocumentRules {
  schema: GraphQLSchema;
  /** The query limits (graphql-armor) besides graphql-js's specified rules. */
  validationRules: ValidationRule[];
  /** Serve `__schema`/`__type` (config `introspection`). */
  introspection: boolean;
  /** Suggestions hidden in production, as Apollo's `hideSchemaDetailsFromClientErrors`. */
  errorPolicy: ClientErrorPolicy;
  /** Most lexical tokens per document, checked before parsing. */
  maxTokens: number;
}

/**
 * The documents of graphql-ws operations, checked as Apollo checks those of HTTP requests: the
 * token limit before parsing, then graphql-js's rules, the query limits and (per configuration)
 * no introspection; failures carry Apollo's codes (GRAPHQL_PARSE_FAILED,
 * GRAPHQL_VALIDATION_FAILED, OPERATION_RESOLUTION_FAILURE). graphql-ws leaves this to its
 * `onSubscribe` hook when the hook returns the execution arguments. Documents that passed are
 * kept by their text, as Apollo's document cache does: dashboards subscribe with the same few.
 */
export class OperationDocuments {
  private readonly rules: ValidationRule[];
  private readonly valid = new LRUCache<string, DocumentNode>({
    maxSize: 4 * 1024 * 1024,
    sizeCalculation: (_document, source) => Math.max(1, source.length),
  });

  constructor(private readonly documentRules: DocumentRules) {
    this.rules = [
      ...specifiedRules,
      ...documentRules.validationRules,
      ...(documentRules.introspection ? [] : [noIntrospectionRule]),
    ];
  }

  /** The checked document of `query`, or the errors that refuse it. */
  prepare(
    query: string,
    operationName: string | null | undefined,
  ): { document: DocumentNode } | { errors: readonly GraphQLError[] } {
    let document = this.valid.get(query);
    if (!document) {
      try {
        checkTokenLimit(query, this.documentRules.maxTokens);
        document = parse(query);
      } catch (error) {
        return {
          errors: [
            error instanceof GraphQLError
              ? parseFailure(error)
              : new GraphQLError('document could not be parsed'),
          ],
        };
      }
      const errors = validate(this.documentRules.schema, document, this.rules);
      if (errors.length > 0) return { errors: validationFailures(errors, this.documentRules.errorPolicy) };
      this.valid.set(query, document);
    }
    if (!getOperationAST(document, operationName))
      return { errors: [operationResolutionFailure(document, operationName)] };
    return { document };
  }
}

/**
 * The document has no operation to run under that name: graphql-js's message, with the code Apollo
 * gives it over HTTP (OPERATION_RESOLUTION_FAILURE) rather than graphql-ws's uncoded one.
 */
function operationResolutionFailure(
  document: DocumentNode,
  operationName: string | null | undefined,
): GraphQLError {
  const count = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length;
  const message = operationName
    ? `Unknown operation named "${operationName}".`
    : count === 0
      ? 'Must provide an operation.'
      : 'Must provide operation name if query contains multiple operations.';
  return new GraphQLError(message, {
    extensions: { code: ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE },
  });
}
