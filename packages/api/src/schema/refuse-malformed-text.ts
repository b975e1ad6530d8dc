import {
  defaultFieldResolver,
  getNamedType,
  isInputObjectType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLFieldResolver,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { InputValidationError } from '../shared/domain-error.js';
import { toUserError } from '../shared/graphql/user-error.types.js';
import { textViolations } from '../shared/validation.js';

/**
 * Refuses every argument string that holds a NUL (U+0000) or a lone UTF-16 surrogate, for every
 * field of the schema, before its resolver runs: PostgreSQL `text`/`jsonb` cannot store NUL and
 * a lone surrogate is not Unicode (asn1js throws on it), so such input used to end as
 * INTERNAL_SERVER_ERROR. Arguments are checked after GraphQL coerced them, so document literals
 * and variables are covered alike, over HTTP and graphql-ws (both execute this schema).
 *
 * The refusal is an {@link InputValidationError} (BAD_USER_INPUT) naming each field path
 * (`input.deviceName`, `groups.0`, rule `noNul` or `wellFormedUnicode`); a mutation whose result
 * union has `InvalidInputError` returns it as that typed result, like its other validation
 * failures. Must run before `auditMutations`, so refused mutations are audited. It runs before
 * the auth checker: malformed text is refused whoever sends it, like GraphQL's own validation.
 *
 * Only fields with an argument that can carry a string (String, ID, custom scalars, through
 * input objects and lists) are wrapped, so fields without arguments cost nothing.
 */
export function refuseMalformedText(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const isMutation = type === schema.getMutationType();
    for (const field of Object.values(type.getFields())) {
      if (!field.args.some((arg) => canHoldText(arg.type))) continue;
      const typedRefusal = isMutation && returnsInvalidInputError(field.type);
      const check = (args: Record<string, unknown>): InputValidationError | null => {
        const violations = textViolations(args, '');
        return violations.length ? new InputValidationError(violations) : null;
      };
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args: Record<string, unknown>, context, info) => {
        const refusal = check(args);
        if (refusal) {
          if (typedRefusal) return toUserError(refusal);
          throw refusal;
        }
        return resolve(source, args, context, info);
      };
      const subscribe = field.subscribe;
      if (subscribe) {
        field.subscribe = (source, args: Record<string, unknown>, context, info) => {
          const refusal = check(args);
          if (refusal) throw refusal;
          return subscribe(source, args, context, info);
        };
      }
    }
  }
}

/** Whether a value of this input type can contain a string anywhere. */
function canHoldText(type: GraphQLInputType, seen = new Set<string>()): boolean {
  const named = getNamedType(type);
  if (isScalarType(named)) return !['Int', 'Float', 'Boolean'].includes(named.name);
  if (isInputObjectType(named)) {
    if (seen.has(named.name)) return false;
    seen.add(named.name);
    return Object.values(named.getFields()).some((field: Pick<GraphQLArgument, 'type'>) => canHoldText(field.type, seen));
  }
  return false;
}

/** Whether a mutation's result is a union offering `InvalidInputError` (typed refusals). */
function returnsInvalidInputError(type: Parameters<typeof getNamedType>[0]): boolean {
  const named = getNamedType(type);
  return isUnionType(named) && named.getTypes().some((member) => member.name === 'InvalidInputError');
}
