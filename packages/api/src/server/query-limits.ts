import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import { LRUCache } from 'lru-cache';

/** Message of a document refused for its token count (graphql-armor's `errorMessage`). */
const TOKEN_LIMIT_MESSAGE = 'Document exceeds the token limit.';
import type { Config } from '../config/config.js';

/**
 * Validation rules that bound the work one document can ask for (OWASP GraphQL cheat sheet),
 * from graphql-armor: depth, cost, aliases, directives. Used by Apollo and by graphql-ws.
 * Limits are not exposed in error messages, so probing them teaches little.
 */
export function queryLimitRules(limits: Config['queryLimits']): ValidationRule[] {
  // graphql-armor throws by default, which a server reports as an internal error; reporting
  // through the validation context makes a refusal an ordinary GRAPHQL_VALIDATION_FAILED.
  const report = {
    exposeLimits: false,
    propagateOnRejection: false,
    onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
  };
  return [
    maxDepthRule({
      n: limits.maxDepth,
      ignoreIntrospection: true,
      flattenFragments: true,
      errorMessage: 'Query exceeds the depth limit.',
      ...report,
    }),
    // Introspection too has a depth limit (`__type { fields { type { ofType { ofType ... } } } }`
    // nests as deep as a client likes): this rule counts every field, introspection included,
    // against the larger of the two limits, so that it only ever refuses deep introspection.
    maxDepthRule({
      n: Math.max(limits.maxDepth, limits.maxIntrospectionDepth),
      ignoreIntrospection: false,
      flattenFragments: true,
      errorMessage: 'Query exceeds the depth limit.',
      ...report,
    }),
    costLimitRule({
      maxCost: limits.maxCost,
      ignoreIntrospection: true,
      errorMessage: 'Query exceeds the cost limit.',
      ...report,
    }),
    maxAliasesRule({ n: limits.maxAliases, errorMessage: 'Query uses too many aliases.', ...report }),
    maxDirectivesRule({
      n: limits.maxDirectives,
      errorMessage: 'Query uses too many directives.',
      ...report,
    }),
  ];
}

/**
 * Refuses documents with more than `maxTokens` lexical tokens, counted by graphql-armor's
 * parser before the document is parsed for execution. Other syntax errors are left to the
 * server's own parser, which reports them the standard way.
 * @throws GraphQLError (BAD_USER_INPUT, HTTP 400) when the limit is passed
 */
export function checkTokenLimit(source: string, maxTokens: number): void {
  if (withinLimit.get(source) === maxTokens) return;
  try {
    new MaxTokensParserWLexer(source, {
      n: maxTokens,
      exposeLimits: false,
      errorMessage: TOKEN_LIMIT_MESSAGE,
    }).parseDocument();
  } catch (error) {
    if (error instanceof Error && error.message.includes(TOKEN_LIMIT_MESSAGE)) {
      throw new GraphQLError(TOKEN_LIMIT_MESSAGE, { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return;
  }
  withinLimit.set(source, maxTokens);
}

/**
 * Documents already found within the limit (→ the limit they were checked against). Clients send
 * the same few documents over and over; without this every request would be lexed here once
 * more before Apollo's document cache spares it the parse. Bounded by total characters.
 */
const withinLimit = new LRUCache<string, number>({
  maxSize: 4 * 1024 * 1024,
  sizeCalculation: (_value, source) => Math.max(1, source.length),
});
