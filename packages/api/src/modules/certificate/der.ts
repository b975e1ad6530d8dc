/**
 * A minimal DER (X.690) writer and reader: just what the device certificate template needs
 * (definite lengths, a few universal types, walking a SEQUENCE). Why not @peculiar/asn1-schema:
 * its generic, decorator-driven serializer was ~17 % of an enrollment's CPU (docs/performance.md);
 * a device certificate has a fixed shape, so its bytes are assembled from pre-encoded parts.
 * Everything assembled here is parsed back by @peculiar/x509 in tests (der.test.ts,
 * device-certificate-template.test.ts).
 */

/** Universal and context tags used by the certificate template. */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** The definite-length octets for a content of `length` bytes (short form below 128). */
export function encodeLength(length: number): Buffer {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`invalid DER length ${length}`);
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One TLV: `tag`, the definite length, then the concatenated `content` parts. */
export function tlv(tag: number, ...content: Uint8Array[]): Buffer {
  const body = content.length === 1 ? content[0]! : Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), encodeLength(body.length), body]);
}

/** OBJECT IDENTIFIER from dotted form (first arc 0-2). */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map((a) => {
    if (!/^\d+$/.test(a)) throw new RangeError(`invalid OID ${dotted}`);
    return Number(a);
  });
  if (arcs.length < 2 || arcs[0]! > 2) throw new RangeError(`invalid OID ${dotted}`);
  const bytes: number[] = [];
  const pushBase128 = (value: number): void => {
    const chunk = [value & 0x7f];
    for (let v = Math.floor(value / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    bytes.push(...chunk);
  };
  pushBase128(arcs[0]! * 40 + arcs[1]!);
  for (const arc of arcs.slice(2)) pushBase128(arc);
  return tlv(Tag.OID, Buffer.from(bytes));
}

/**
 * X.509 Time (RFC 5280 4.1.2.5): UTCTime `YYMMDDHHMMSSZ` for years 1950-2049, GeneralizedTime
 * `YYYYMMDDHHMMSSZ` otherwise; whole seconds, UTC.
 */
export function time(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ, always UTC
  const year = date.getUTCFullYear();
  const digits = `${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  if (year >= 1950 && year <= 2049) return tlv(Tag.UTC_TIME, Buffer.from(`${iso.slice(2, 4)}${digits}`, 'latin1'));
  if (year < 0 || year > 9999) throw new RangeError(`year ${year} cannot be encoded`);
  return tlv(Tag.GENERALIZED_TIME, Buffer.from(`${String(year).padStart(4, '0')}${digits}`, 'latin1'));
}

/** A decoded TLV header: where the value starts and ends inside the buffer it was read from. */
export interface DerElement {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  valueStart: number;
  /** Offset just past the content. */
  end: number;
}

/**
 * Reads the TLV at `offset` (single-byte tags, definite lengths only, as DER requires).
 * @throws RangeError when the bytes are not well-formed DER or run past the buffer
 */
export function readElement(der: Uint8Array, offset: number): DerElement {
  if (offset + 2 > der.length) throw new RangeError('DER: truncated header');
  const tag = der[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new RangeError('DER: multi-byte tags are not supported');
  let length = der[offset + 1]!;
  let valueStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new RangeError('DER: unsupported length form');
    if (valueStart + count > der.length) throw new RangeError('DER: truncated length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[valueStart + i]!;
    valueStart += count;
  }
  const end = valueStart + length;
  if (end > der.length) throw new RangeError('DER: content runs past the end');
  return { tag, start: offset, valueStart, end };
}

/** The elements directly inside a constructed element (e.g. the fields of a SEQUENCE). */
export function children(der: Uint8Array, parent: DerElement): DerElement[] {
  const out: DerElement[] = [];
  for (let at = parent.valueStart; at < parent.end; ) {
    const element = readElement(der, at);
    out.push(element);
    at = element.end;
  }
  return out;
}

/** The bytes of `element`, header included. */
export function bytesOf(der: Uint8Array, element: DerElement): Buffer {
  return Buffer.from(der.buffer, der.byteOffset + element.start, element.end - element.start);
}

/** PEM armour with 64-character lines and `\n` line ends (the form @peculiar/x509 writes). */
export function toPem(der: Uint8Array, label: string): string {
  const base64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines: string[] = [`-----BEGIN ${label}-----`];
  for (let i = 0; i < base64.length; i += 64) lines.push(base64.slice(i, i + 64));
  lines.push(`-----END ${label}-----`);
  return lines.join('\n');
}
