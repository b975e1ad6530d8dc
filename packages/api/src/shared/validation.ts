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

/**
 * GraphQL extension key (`@Extensions({ [RAW_TEXT]: true })`) of an input field whose text the
 * schema-wide NUL / lone-surrogate check (schema/refuse-malformed-text.ts) leaves to its module.
 */
export const RAW_TEXT = 'rawText';

/**
 * Text PostgreSQL can store and every library can encode: no NUL (U+0000, which `text` and
 * `jsonb` cannot hold) and no lone UTF-16 surrogate (not Unicode; asn1js and encodeURIComponent
 * throw on it). Returns one violation per offending string found in `value` (strings, arrays and
 * plain objects, walked to any depth), each naming its dotted path under `path`.
 */
export function textViolations(value: unknown, path: string, found: FieldViolation[] = []): FieldViolation[] {
  if (typeof value === 'string') {
    if (value.includes('\u0000'))
      found.push({ field: path, rule: 'noNul', message: 'must not contain the NUL character (U+0000)' });
    else if (LONE_SURROGATE.test(value))
      found.push({
        field: path,
        rule: 'wellFormedUnicode',
        message: 'must be well-formed Unicode (it holds a lone UTF-16 surrogate)',
      });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => textViolations(item, `${path}.${index}`, found));
  } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value))
      textViolations(item, path ? `${path}.${key}` : key, found);
  }
  return found;
}

/**
 * `value` with every NUL and lone surrogate replaced by U+FFFD (the replacement character), so
 * it can be stored as `text` or `jsonb` (the audit trail keeps refused attempts' arguments this way).
 */
export function storableText(value: string): string {
  return value.replace(NOT_STORABLE, '\uFFFD');
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one (no `u` flag: code units). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NOT_STORABLE = new RegExp(`\u0000|${LONE_SURROGATE.source}`, 'g');
