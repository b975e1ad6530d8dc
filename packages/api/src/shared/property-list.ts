import { parse, type PlistValue } from 'plist';
import { decodeUtf8 } from './utf8.js';

/** Deepest nesting of `<dict>`/`<array>` accepted; Apple's messages nest a few levels. */
export const PROPERTY_LIST_MAX_DEPTH = 32;

/** Why a device's property list was refused (the caller maps it to its protocol's error). */
export class PropertyListError extends Error {}

const CONTAINER_TAG = /<(\/?)(dict|array)\s*(\/?)>/g;
/** A NUL, or a high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NOT_STORABLE = new RegExp(`\u0000|${LONE_SURROGATE.source}`);

/**
 * Parses an XML property list that a device sent (Apple's check-in and command messages,
 * MachineInfo) with the `plist` library, refusing what the library would accept but the gateway
 * must not: bytes that are not UTF-8, nesting deeper than {@link PROPERTY_LIST_MAX_DEPTH} (checked
 * by a linear scan before the recursive parser runs, so a deep document cannot exhaust the stack
 * or the event loop), and strings or keys holding a NUL or a lone surrogate, which PostgreSQL
 * cannot store as text (the same rule as GraphQL input, docs/security.md).
 * @throws PropertyListError
 */
export function parsePropertyList(bytes: Buffer): PlistValue {
  const text = decodeUtf8(bytes);
  if (text === null) throw new PropertyListError('the property list is not UTF-8');
  let depth = 0;
  for (const [, closing, , selfClosing] of text.matchAll(CONTAINER_TAG)) {
    if (selfClosing) continue;
    depth += closing ? -1 : 1;
    if (depth > PROPERTY_LIST_MAX_DEPTH)
      throw new PropertyListError(`the property list nests deeper than ${PROPERTY_LIST_MAX_DEPTH} levels`);
  }
  let value: PlistValue;
  try {
    value = parse(text);
  } catch (error) {
    throw new PropertyListError(`not an XML property list: ${(error as Error).message}`);
  }
  const bad = unstorable(value);
  if (bad !== null)
    throw new PropertyListError(`${bad || 'the value'}: a NUL or a lone surrogate is not text`);
  return value;
}

/** The path of the first string or key that cannot be stored as text, or null. */
function unstorable(value: PlistValue, path = ''): string | null {
  if (typeof value === 'string') return NOT_STORABLE.test(value) ? path : null;
  if (value === null || typeof value !== 'object' || value instanceof Date || value instanceof Uint8Array)
    return null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = unstorable(item, `${path}[${i}]`);
      if (found !== null) return found;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    if (NOT_STORABLE.test(key)) return path ? `${path}.<key>` : '<key>';
    const found = unstorable(item as PlistValue, path ? `${path}.${key}` : key);
    if (found !== null) return found;
  }
  return null;
}
