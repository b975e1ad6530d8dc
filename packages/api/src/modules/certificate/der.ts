/**
 * The few DER primitives the certificate templates write per certificate (X.690 section 10):
 * definite lengths in their shortest form, and a strict reader for the one structure read back
 * (a SubjectPublicKeyInfo's key bits). Everything else in a certificate is encoded by
 * @peculiar/asn1-schema, once per CA (device-certificate-template.ts).
 */

/** Bytes a definite length of `length` takes: 1 below 128, else 1 + its big-endian bytes. */
export function lengthSize(length: number): number {
  if (length < 0x80) return 1;
  if (length <= 0xff) return 2;
  if (length <= 0xffff) return 3;
  if (length <= 0xffffff) return 4;
  throw new RangeError('DER length above 16 MiB');
}

/** Size of a whole TLV whose content is `length` bytes (one-byte tags only). */
export function tlvSize(length: number): number {
  return 1 + lengthSize(length) + length;
}

/** Writes tag and length of a TLV with `length` content bytes at `offset`; returns where the content starts. */
export function writeHeader(out: Uint8Array, offset: number, tag: number, length: number): number {
  out[offset++] = tag;
  const size = lengthSize(length);
  if (size === 1) {
    out[offset++] = length;
    return offset;
  }
  out[offset++] = 0x80 | (size - 1);
  for (let shift = (size - 2) * 8; shift >= 0; shift -= 8) out[offset++] = (length >>> shift) & 0xff;
  return offset;
}

/** A whole TLV of `content` (for constants built once). */
export function tlv(tag: number, ...content: Uint8Array[]): Buffer {
  const length = content.reduce((sum, part) => sum + part.length, 0);
  const out = Buffer.alloc(tlvSize(length));
  let offset = writeHeader(out, 0, tag, length);
  for (const part of content) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Reads the TLV at `offset` with the expected `tag`, refusing anything DER forbids in a length
 * (indefinite form, leading zero bytes, long form below 128) or a TLV running past `end`.
 * @returns the content's start and end offsets
 * @throws RangeError for any other tag or malformed length
 */
export function readTlv(
  der: Uint8Array,
  offset: number,
  tag: number,
  end = der.length,
): { start: number; end: number } {
  if (offset + 2 > end || der[offset] !== tag) throw new RangeError(`expected DER tag 0x${tag.toString(16)}`);
  let length = der[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const size = length & 0x7f;
    if (size === 0 || size > 3 || start + size > end || der[start] === 0)
      throw new RangeError('malformed DER length');
    length = 0;
    for (let i = 0; i < size; i++) length = length * 256 + der[start + i]!;
    if (length < 0x80) throw new RangeError('malformed DER length');
    start += size;
  }
  if (start + length > end) throw new RangeError('DER value runs past its container');
  return { start, end: start + length };
}

/**
 * The subjectPublicKey bits of a DER SubjectPublicKeyInfo (RFC 5280 4.1: SEQUENCE {
 * AlgorithmIdentifier, BIT STRING }), without the unused-bits octet, which must be 0.
 * @throws RangeError when `spki` is not exactly that structure
 */
export function subjectPublicKeyBits(spki: Uint8Array): Uint8Array {
  const outer = readTlv(spki, 0, 0x30);
  if (outer.end !== spki.length) throw new RangeError('trailing bytes after SubjectPublicKeyInfo');
  const algorithm = readTlv(spki, outer.start, 0x30, outer.end);
  const bits = readTlv(spki, algorithm.end, 0x03, outer.end);
  if (bits.end !== outer.end || bits.start === bits.end || spki[bits.start] !== 0)
    throw new RangeError('malformed subjectPublicKey');
  return spki.subarray(bits.start + 1, bits.end);
}

/** One element of a DER walk: its tag byte, where it starts, where its value starts, where it ends. */
export interface DerNode {
  tag: number;
  start: number;
  valueStart: number;
  end: number;
}

/**
 * Reads the element at `offset` (one-byte tags, definite lengths: what DER allows; BER's
 * indefinite lengths and high tag numbers are refused for the caller's general reader).
 * @throws RangeError when truncated, indefinite or past `limit`
 */
export function derNode(der: Uint8Array, offset: number, limit = der.length): DerNode {
  if (offset + 2 > limit) throw new RangeError('truncated DER');
  const tag = der[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new RangeError('high DER tag number');
  let length = der[offset + 1]!;
  let valueStart = offset + 2;
  if (length & 0x80) {
    const size = length & 0x7f;
    if (size === 0 || size > 4 || valueStart + size > limit) throw new RangeError('malformed DER length');
    length = 0;
    for (let i = 0; i < size; i++) length = length * 256 + der[valueStart + i]!;
    valueStart += size;
  }
  const end = valueStart + length;
  if (end > limit) throw new RangeError('truncated DER');
  return { tag, start: offset, valueStart, end };
}

/** The elements inside a constructed element `parent`. */
export function derChildren(der: Uint8Array, parent: DerNode): DerNode[] {
  const out: DerNode[] = [];
  for (let at = parent.valueStart; at < parent.end;) {
    const child = derNode(der, at, parent.end);
    out.push(child);
    at = child.end;
  }
  return out;
}

/** `node` when it has `tag`. @throws RangeError otherwise (or when absent) */
export function derExpect(node: DerNode | undefined, tag: number): DerNode {
  if (!node || node.tag !== tag) throw new RangeError(`expected DER tag 0x${tag.toString(16)}`);
  return node;
}

/** The dotted form of an OBJECT IDENTIFIER element. @throws RangeError for another tag */
export function derOid(der: Uint8Array, node: DerNode | undefined): string {
  const { valueStart, end } = derExpect(node, 0x06);
  const parts: number[] = [];
  let value = 0;
  for (let i = valueStart; i < end; i++) {
    value = value * 128 + (der[i]! & 0x7f);
    if (!(der[i]! & 0x80)) {
      if (parts.length === 0)
        parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

/** The DER of an OBJECT IDENTIFIER element for a dotted OID (arcs below 2^53). */
export function derOidBytes(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [];
  for (const arc of [arcs[0]! * 40 + arcs[1]!, ...arcs.slice(2)]) {
    const groups = [arc % 128];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128))
      groups.unshift(0x80 | (rest % 128));
    out.push(...groups);
  }
  return tlv(0x06, Uint8Array.from(out));
}

/** The whole element (tag, length, value). */
export const derBytes = (der: Uint8Array, node: DerNode): Uint8Array => der.subarray(node.start, node.end);
/** The element's value only. */
export const derValue = (der: Uint8Array, node: DerNode): Uint8Array =>
  der.subarray(node.valueStart, node.end);
