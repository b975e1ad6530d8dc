import type { z } from 'zod';
import { InputValidationError, type FieldViolation } from './domain-error.js';

/**
 * Validates `input` against a zod schema and returns the parsed value, or throws an
 * {@link InputValidationError} naming every field and rule that failed. Services call this
 * before opening a transaction, so bad input never reaches the database.
 * @param prefix path prepended to each field name (e.g. `input`)
 */
export function validateInput<T extends z.ZodType>(schema: T, input: unknown, prefix = ''): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const violations: FieldViolation[] = parsed.error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    rule: ruleName(issue),
    message: issue.message,
  }));
  throw new InputValidationError(violations);
}

/** A short, stable rule name for a zod issue; custom refinements carry theirs in `params.rule`. */
function ruleName(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_small':
      return issue.origin === 'string' ? 'minLength' : 'minimum';
    case 'too_big':
      return issue.origin === 'string' ? 'maxLength' : 'maximum';
    case 'invalid_format':
      return issue.format;
    case 'invalid_type':
      return 'type';
    case 'invalid_value':
      return 'enum';
    case 'custom':
      return (issue.params?.['rule'] as string | undefined) ?? 'custom';
    default:
      return issue.code;
  }
}
