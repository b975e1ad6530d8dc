import {
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLInputType,
} from 'graphql';

/**
 * JSON values that pass GraphQL's input coercion for a type (their content need not pass the
 * domain's rules): required input fields and one list item are filled, optional ones left out.
 */
export function placeholderValue(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return placeholderValue(type.ofType);
  if (isListType(type)) return [placeholderValue(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0]!.name;
  if (isInputObjectType(type)) {
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((f) => isNonNullType(f.type) && f.defaultValue === undefined)
        .map((f) => [f.name, placeholderValue(f.type)]),
    );
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'ID':
        return '00000000-0000-4000-8000-00000000abcd';
      case 'Int':
      case 'Float':
        return 1;
      case 'Boolean':
        return true;
      case 'DateTime':
        return '2030-01-01T00:00:00.000Z';
      case 'JSONObject':
        return {};
      default:
        return 'x';
    }
  }
  throw new Error(`no placeholder for ${String(type)}`);
}

/** A value of the wrong kind for an item of `type`, so that every item of a list fails to coerce. */
export function invalidItem(type: GraphQLInputType): unknown {
  const named = getNullableType(type);
  if (isScalarType(named) && ['Int', 'Float', 'Boolean'].includes(named.name)) return 'not a number';
  if (isScalarType(named) && named.name === 'JSONObject') return 7;
  if (isEnumType(named)) return 'NOT_A_VALUE';
  if (isInputObjectType(named) || isListType(named)) return 7;
  return { not: 'a string' };
}

/**
 * For every list somewhere inside `type` (the type itself, or a field of an input object, at any
 * depth), a placeholder value of `type` whose list there holds `length` invalid items.
 */
export function withLongInvalidLists(type: GraphQLInputType, length: number, depth = 0): unknown[] {
  if (depth > 4) return [];
  if (isNonNullType(type)) return withLongInvalidLists(type.ofType, length, depth);
  if (isListType(type)) {
    const item = type.ofType as GraphQLInputType;
    return [
      Array.from({ length }, () => invalidItem(item)),
      ...withLongInvalidLists(item, length, depth + 1).map((inner) => [inner]),
    ];
  }
  if (isInputObjectType(type)) {
    const base = placeholderValue(type) as Record<string, unknown>;
    return Object.values(type.getFields()).flatMap((field) =>
      withLongInvalidLists(field.type, length, depth + 1).map((value) => ({ ...base, [field.name]: value })),
    );
  }
  return [];
}
