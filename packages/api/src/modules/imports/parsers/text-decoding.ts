import type { ImportFileError } from './import-errors.js';

/**
 * Turning an uploaded file into text, safely. Every parser calls {@link decodeImportText} first.
 * Accepted: UTF-8 with or without BOM (the BOM is dropped), any line endings (the CSV reader
 * handles CRLF and LF). Rejected with `UNSUPPORTED_ENCODING` rather than read as garbage:
 * UTF-16/UTF-32 (BOM FF FE / FE FF / 00 00 FE FF), any NUL byte (UTF-16 without BOM has one in
 * every ASCII character; a real CSV or JSON never has one), invalid UTF-8 (e.g. Windows-1252 "é"
 * as byte E9), and in a string: NUL, lone surrogates or U+FFFD (the text was already decoded
 * lossily upstream, the original bytes are gone).
 */

/** Options of {@link decodeImportText}. `maxBytes`: the file's limit in bytes of UTF-8. */
export interface DecodeOptions {
  readonly maxBytes: number;
}

/**
 * Decoded text. `text` never starts with U+FEFF; `byteLength` is the input size in bytes (for a
 * string: its UTF-8 length); `hadBom` tells whether a UTF-8 BOM was removed.
 */
export type DecodedText =
  | { readonly ok: true; readonly text: string; readonly byteLength: number; readonly hadBom: boolean }
  | { readonly ok: false; readonly error: ImportFileError };

/** 5 MiB (5 × 1,048,576 bytes): Intune's "5 MB" corporate-identifier limit, read as binary MB. */
export const FIVE_MB = 5 * 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function encodingError(message: string): DecodedText {
  return { ok: false, error: { code: 'UNSUPPORTED_ENCODING', message } };
}

/**
 * Size of `input` in bytes: `byteLength` for bytes, the UTF-8 length for a string (computed
 * without copying). Used for the size limit, which is checked before decoding or parsing.
 */
export function inputByteLength(input: string | Uint8Array): number {
  return typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
}

/**
 * Checks the size limit first (`FILE_TOO_LARGE`, with `limit` and `actual` in bytes; a file of
 * exactly `maxBytes` bytes passes), then the encoding as described at the top of this file.
 * A string input (e.g. a GraphQL `String` argument) is treated as already-decoded text.
 */
export function decodeImportText(input: string | Uint8Array, options: DecodeOptions): DecodedText {
  const byteLength = inputByteLength(input);
  if (byteLength > options.maxBytes) {
    return {
      ok: false,
      error: {
        code: 'FILE_TOO_LARGE',
        message: `File is ${byteLength} bytes; the limit is ${options.maxBytes} bytes`,
        limit: options.maxBytes,
        actual: byteLength,
      },
    };
  }
  return typeof input === 'string' ? checkString(input, byteLength) : decodeBytes(input, byteLength);
}

function decodeBytes(bytes: Uint8Array, byteLength: number): DecodedText {
  const [b0, b1, b2, b3] = bytes;
  if (
    (b0 === 0xff && b1 === 0xfe) ||
    (b0 === 0xfe && b1 === 0xff) ||
    (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff)
  ) {
    return encodingError(
      'File is UTF-16 or UTF-32 (byte order mark found); save it as UTF-8 (or ANSI/ASCII)',
    );
  }
  if (bytes.includes(0)) {
    return encodingError(
      'File contains NUL bytes, as UTF-16 text without a byte order mark does; save it as UTF-8',
    );
  }
  const hadBom = b0 === 0xef && b1 === 0xbb && b2 === 0xbf;
  let text: string;
  try {
    text = utf8.decode(hadBom ? bytes.subarray(3) : bytes);
  } catch {
    return encodingError(
      'File is not valid UTF-8 (an ANSI/Windows-1252 file with accented letters?); save it as UTF-8',
    );
  }
  if (text.includes('\uFFFD')) {
    return encodingError('File contains U+FFFD replacement characters: it was decoded lossily before upload');
  }
  return { ok: true, text, byteLength, hadBom };
}

function checkString(input: string, byteLength: number): DecodedText {
  if (input.includes('\u0000')) {
    return encodingError(
      'Text contains NUL characters: a UTF-16 file was read as single-byte text; upload it as UTF-8',
    );
  }
  if (input.startsWith('\u00FF\u00FE') || input.startsWith('\u00FE\u00FF')) {
    return encodingError(
      'Text starts with a UTF-16 byte order mark read as Latin-1; upload the file as UTF-8',
    );
  }
  if (input.includes('\uFFFD') || /\p{Surrogate}/u.test(input)) {
    return encodingError('Text contains U+FFFD or unpaired surrogates: it was decoded lossily before upload');
  }
  const hadBom = input.startsWith('\uFEFF');
  return { ok: true, text: hadBom ? input.slice(1) : input, byteLength, hadBom };
}
