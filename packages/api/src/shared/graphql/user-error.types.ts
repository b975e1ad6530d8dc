import { Field, ID, InterfaceType, ObjectType } from 'type-graphql';
import { DomainError, InputValidationError, NotFoundError as DomainNotFound } from '../domain-error.js';
import { ErrorCode } from '../error-code.js';

@InterfaceType('UserError', {
  description:
    'An expected failure of a mutation, returned as data (never a 500). Switch on `code` or `__typename`.',
})
export abstract class UserError {
  @Field(() => ErrorCode, {
    description: 'Machine-readable reason; the same codes as `extensions.code` of GraphQL errors.',
  })
  code!: ErrorCode;

  @Field({ description: 'Human-readable explanation.' })
  message!: string;
}

@ObjectType({ description: 'One broken rule of one input field.' })
export class FieldViolationType {
  @Field({ description: 'Dotted path of the field in the input, e.g. `input.serialNumber`.' })
  field!: string;

  @Field({ description: 'Short machine name of the rule: `required`, `maxLength`, `luhn`, ...' })
  rule!: string;

  @Field()
  message!: string;
}

@ObjectType('InvalidInputError', {
  implements: UserError,
  description: 'The input broke one or more validation rules; nothing was written.',
})
export class InvalidInputError extends UserError {
  @Field(() => [FieldViolationType], { description: 'Every violation found, not only the first.' })
  violations!: FieldViolationType[];
}

@ObjectType('NotFoundError', {
  implements: UserError,
  description: 'The object named by `id` does not exist.',
})
export class NotFoundErrorType extends UserError {
  @Field(() => ID)
  id!: string;
}

@ObjectType('OperationRefusedError', {
  implements: UserError,
  description: 'A domain rule refused the operation (see `code`); nothing was written.',
})
export class OperationRefusedError extends UserError {}

/** The GraphQL shape of any domain failure; the one place that maps domain errors to results. */
export type UserErrorResult = InvalidInputError | NotFoundErrorType | OperationRefusedError;

/**
 * Maps an expected domain failure to its typed mutation result. Anything that is not a
 * {@link DomainError} is rethrown, to surface as a masked INTERNAL_SERVER_ERROR.
 */
export function toUserError(error: unknown): UserErrorResult {
  if (error instanceof InputValidationError) {
    return Object.assign(new InvalidInputError(), {
      code: error.code,
      message: error.message,
      violations: error.violations,
    });
  }
  if (error instanceof DomainNotFound) {
    return Object.assign(new NotFoundErrorType(), { code: error.code, message: error.message, id: error.id });
  }
  if (error instanceof DomainError) {
    return Object.assign(new OperationRefusedError(), { code: error.code, message: error.message });
  }
  throw error;
}
