/**
 * The gateway's shared GraphQL contract: the typed operations every client uses (API tests,
 * dashboard, load tests), generated from `operations/*.graphql` against `schema.graphql`.
 * Each `XxxDocument` is a TypedDocumentNode: its result and variable types travel with it.
 */
export * from './generated/graphql.js';
export { graphql } from './generated/gql.js';
