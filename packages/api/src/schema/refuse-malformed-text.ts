import {
  defaultFieldResolver,
  getNamedType,
  getNullableType,
  isInputObjectType,
  isListType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLFieldResolver,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { InputValidationError, type FieldViolation } from '../shared/domain-error.js';
import { toUserError } from '../shared/graphql/user-error.types.js';
import { RAW_TEXT, textViolations } from '../shared/validation.js';

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
 * input objects and lists) are wrapped, so fields without arguments cost nothing. An input field
 * marked `@Extensions({ [RAW_TEXT]: true })` is left to its module (an imported file's content,
 * whose parser refuses NUL bytes and bad encodings with its own file-level error).
 */
export function refuseMalformedText(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const isMutation = type === schema.getMutationType();
    for (const field of Object.values(type.getFields())) {
      const checked = field.args.filter((arg) => canHoldText(arg.type));
      if (checked.length === 0) continue;
      const typedRefusal = isMutation && returnsInvalidInputError(field.type);
      const check = (args: Record<string, unknown>): InputValidationError | null => {
        const violations: FieldViolation[] = [];
        for (const arg of checked) checkValue(args[arg.name], arg.type, arg.name, violations);
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

/** Whether a value of this input type can contain a checked string anywhere. */
function canHoldText(type: GraphQLInputType, seen = new Set<string>()): boolean {
  const named = getNamedType(type);
  if (isScalarType(named)) return !['Int', 'Float', 'Boolean'].includes(named.name);
  if (isInputObjectType(named)) {
    if (seen.has(named.name)) return false;
    seen.add(named.name);
    return Object.values(named.getFields()).some(
      (field) => !field.extensions[RAW_TEXT] && canHoldText(field.type, seen),
    );
  }
  return false;
}

/** Adds a violation for each bad string of `value`, an already coerced value of `type`, at `path`. */
function checkValue(
  value: unknown,
  type: GraphQLInputType,
  path: string,
  violations: FieldViolation[],
): void {
  if (value == null) return;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    if (Array.isArray(value))
      value.forEach((item, index) => checkValue(item, nullable.ofType, `${path}.${index}`, violations));
    else checkValue(value, nullable.ofType, path, violations);
  } else if (isInputObjectType(nullable)) {
    for (const field of Object.values(nullable.getFields())) {
      if (!field.extensions[RAW_TEXT])
        checkValue(
          (value as Record<string, unknown>)[field.name],
          field.type,
          `${path}.${field.name}`,
          violations,
        );
    }
  } else if (isScalarType(nullable)) {
    textViolations(value, path, violations);
  }
}

/** Whether a mutation's result is a union offering `InvalidInputError` (typed refusals). */
function returnsInvalidInputError(type: Parameters<typeof getNamedType>[0]): boolean {
  const named = getNamedType(type);
  return isUnionType(named) && named.getTypes().some((member) => member.name === 'InvalidInputError');
}
