import { ErrorCode } from './error-code.js';

/**
 * Base of every expected failure raised by a service. Mutations turn these into typed
 * results; queries turn them into GraphQL errors with `extensions.code` (server/format-error.ts).
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** One broken rule of one input field, e.g. `{ field: 'serialNumber', rule: 'maxLength' }`. */
export interface FieldViolation {
  /** Dotted path of the field in the input, e.g. `device.serialNumber`. */
  field: string;
  /** Short machine name of the rule: `required`, `maxLength`, `pattern`, `luhn`, ... */
  rule: string;
  /** Human-readable explanation. */
  message: string;
}

/** Input failed validation; nothing was written. Carries every violation, not only the first. */
export class InputValidationError extends DomainError {
  constructor(readonly violations: FieldViolation[]) {
    super(ErrorCode.BAD_USER_INPUT, violations.map((v) => `${v.field}: ${v.message}`).join('; '));
  }
}

/** The object named by `id` does not exist. */
export class NotFoundError extends DomainError {
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(ErrorCode.NOT_FOUND, `${entity} ${id} was not found`);
  }
}
