import { describe, expect, it } from 'vitest';
import { decodeImportText, inputByteLength } from './text-decoding.js';

const MAX = { maxBytes: 1_000 };
const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const utf16le = (text: string, bom: boolean): Uint8Array =>
  Uint8Array.from([...(bom ? [0xff, 0xfe] : []), ...Buffer.from(text, 'utf16le')]);

describe('decodeImportText with bytes', () => {
  it('decodes UTF-8 without a byte order mark as is', () => {
    expect(decodeImportText(Buffer.from('a,é\r\n'), MAX)).toEqual({
      ok: true,
      text: 'a,é\r\n',
      byteLength: 6,
      hadBom: false,
    });
  });

  it('drops a UTF-8 byte order mark and says so', () => {
    const input = Buffer.concat([bytes(0xef, 0xbb, 0xbf), Buffer.from('x\n')]);
    expect(decodeImportText(input, MAX)).toEqual({ ok: true, text: 'x\n', byteLength: 5, hadBom: true });
  });

  it('rejects UTF-16 little endian and big endian files by their byte order mark', () => {
    expect(decodeImportText(utf16le('x,y', true), MAX)).toMatchObject({
      ok: false,
      error: { code: 'UNSUPPORTED_ENCODING' },
    });
    expect(decodeImportText(bytes(0xfe, 0xff, 0, 0x78), MAX)).toMatchObject({
      ok: false,
      error: { code: 'UNSUPPORTED_ENCODING' },
    });
  });

  it('rejects UTF-16 without a byte order mark because of its NUL bytes', () => {
    const result = decodeImportText(utf16le('490154203237518,x', false), MAX);
    expect(result).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_ENCODING' } });
    expect(!result.ok && result.error.message).toContain('NUL');
  });

  it('rejects invalid UTF-8 such as a Windows-1252 é instead of producing garbage', () => {
    expect(decodeImportText(bytes(0x4a, 0x6f, 0x73, 0xe9), MAX)).toMatchObject({
      ok: false,
      error: { code: 'UNSUPPORTED_ENCODING' },
    });
  });
});

describe('decodeImportText with a string', () => {
  it('strips a leading U+FEFF and keeps the rest unchanged', () => {
    expect(decodeImportText('\uFEFFa,b\r\n', MAX)).toEqual({
      ok: true,
      text: 'a,b\r\n',
      byteLength: 8,
      hadBom: true,
    });
  });

  it('treats NUL characters as a UTF-16 file read with the wrong encoding', () => {
    expect(decodeImportText('4\u00009\u0000', MAX)).toMatchObject({
      ok: false,
      error: { code: 'UNSUPPORTED_ENCODING' },
    });
    expect(decodeImportText('\u00FF\u00FEx', MAX)).toMatchObject({
      ok: false,
      error: { code: 'UNSUPPORTED_ENCODING' },
    });
  });

  it('rejects text that was already decoded lossily', () => {
    expect(decodeImportText('Jos\uFFFD', MAX)).toMatchObject({
      ok: false,
      error: { code: 'UNSUPPORTED_ENCODING' },
    });
    expect(decodeImportText('a\uD800b', MAX)).toMatchObject({
      ok: false,
      error: { code: 'UNSUPPORTED_ENCODING' },
    });
  });

  it('accepts characters outside the BMP written as surrogate pairs', () => {
    expect(decodeImportText('tag 😀', MAX)).toMatchObject({ ok: true, text: 'tag 😀' });
  });
});

describe('size limit', () => {
  it('accepts exactly the limit and rejects one byte more, with limit and actual in bytes', () => {
    expect(decodeImportText('x'.repeat(1_000), MAX)).toMatchObject({ ok: true });
    expect(decodeImportText('x'.repeat(1_001), MAX)).toEqual({
      ok: false,
      error: {
        code: 'FILE_TOO_LARGE',
        message: 'File is 1001 bytes; the limit is 1000 bytes',
        limit: 1_000,
        actual: 1_001,
      },
    });
  });

  it('counts a string in UTF-8 bytes, not in characters', () => {
    expect(inputByteLength('é€😀')).toBe(2 + 3 + 4);
    expect(decodeImportText('é'.repeat(501), MAX)).toMatchObject({
      ok: false,
      error: { code: 'FILE_TOO_LARGE', actual: 1_002 },
    });
  });

  it('checks the size before the encoding', () => {
    expect(decodeImportText(utf16le('x'.repeat(600), true), MAX)).toMatchObject({
      ok: false,
      error: { code: 'FILE_TOO_LARGE' },
    });
  });
});
