/**
 * The token secret of an `Authorization: Bearer <secret>` value (HTTP header or the
 * `authorization` field of graphql-ws `connection_init`), or null when there is none.
 */
export function bearerSecret(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = /^Bearer\s+(\S+)$/i.exec(value.trim());
  return match ? match[1]! : null;
}
