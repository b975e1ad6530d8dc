import { isUtf8 } from 'node:buffer';

/**
 * Decodes a request body that must be UTF-8 (GraphQL over HTTP: `application/json` is UTF-8,
 * RFC 8259 section 8.1). Unlike `Buffer.toString('utf8')`, which silently turns every malformed
 * sequence into U+FFFD (and so would store text the client never sent), malformed bytes are a
 * refusal: the caller answers BAD_REQUEST and nothing runs. Transport-free, for every HTTP edge.
 * (graphql-ws needs no such step: the `ws` server refuses a text frame that is not UTF-8 by
 * closing the connection with 1007.)
 * @returns the text, or null when `bytes` is not well-formed UTF-8
 */
export function decodeUtf8(bytes: Buffer): string | null {
  return isUtf8(bytes) ? bytes.toString('utf8') : null;
}
