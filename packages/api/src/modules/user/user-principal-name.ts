import { z } from 'zod';

/**
 * A user principal name (sign-in name, `name@domain`, at most 320 characters), trimmed and
 * lower-cased: UPNs are case-insensitive, so one user is one stored value.
 */
export const userPrincipalNameSchema = z
  .string()
  .trim()
  .max(320)
  .regex(/^[^\s@]+@[^\s@]+$/, { error: 'must look like name@domain' })
  .transform((v) => v.toLowerCase());

/** An optional UPN: absent or null both become null. */
export const optionalUserPrincipalNameSchema = userPrincipalNameSchema.nullish().transform((v) => v ?? null);
