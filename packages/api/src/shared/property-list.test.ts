import { describe, expect, it } from 'vitest';
import { PROPERTY_LIST_MAX_DEPTH, PropertyListError, parsePropertyList } from './property-list.js';

const plist = (inner: string) =>
  Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><plist version="1.0">${inner}</plist>`);

describe('device property lists', () => {
  it('parses a dictionary as the plist library does', () => {
    expect(parsePropertyList(plist('<dict><key>UDID</key><string>ABC</string></dict>'))).toEqual({
      UDID: 'ABC',
    });
  });

  it('refuses a NUL or a lone surrogate in a string or a key, which PostgreSQL cannot store as text', () => {
    expect(() =>
      parsePropertyList(plist('<dict><key>DeviceName</key><string>evil\u0000name</string></dict>')),
    ).toThrow(/DeviceName: a NUL or a lone surrogate/);
    expect(() =>
      parsePropertyList(plist('<dict><key>DeviceName</key><string>&#xD800;x</string></dict>')),
    ).toThrow(PropertyListError);
    expect(() => parsePropertyList(plist('<dict><key>a\u0000</key><string>x</string></dict>'))).toThrow(
      PropertyListError,
    );
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(() =>
      parsePropertyList(Buffer.concat([plist('<string>'), Buffer.from([0xff]), plist('</string>')])),
    ).toThrow(/not UTF-8/);
  });

  it(`refuses nesting deeper than ${PROPERTY_LIST_MAX_DEPTH} levels before the recursive parser runs`, () => {
    const deep = '<array>'.repeat(250_000) + '</array>'.repeat(250_000);
    expect(() => parsePropertyList(plist(deep))).toThrow(/nests deeper/);
    const fine = '<array>'.repeat(PROPERTY_LIST_MAX_DEPTH) + '</array>'.repeat(PROPERTY_LIST_MAX_DEPTH);
    expect(parsePropertyList(plist(fine))).toBeInstanceOf(Array);
  });
});
