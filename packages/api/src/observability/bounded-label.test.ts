import { describe, expect, it } from 'vitest';
import { BoundedLabel, ClosedLabel } from './bounded-label.js';

describe('BoundedLabel', () => {
  it('keeps the first values up to the limit and reports later new ones as the overflow value', () => {
    const label = new BoundedLabel(2);
    expect(['A', 'B', 'C', 'A', 'B'].map((v) => label.of(v))).toEqual(['A', 'B', '__other__', 'A', 'B']);
  });

  it('rejects values outside the pattern without using up the limit', () => {
    const label = new BoundedLabel(1);
    expect([label.of('has space'), label.of('x'.repeat(65)), label.of('Ok')]).toEqual([
      '__other__',
      '__other__',
      'Ok',
    ]);
  });
});

describe('ClosedLabel', () => {
  it('passes known values and maps anything else, including non-strings, to OTHER', () => {
    const label = new ClosedLabel(['IOS', 'MACOS']);
    expect([label.of('IOS'), label.of('ios'), label.of(undefined), label.of(42)]).toEqual([
      'IOS',
      'OTHER',
      'OTHER',
      'OTHER',
    ]);
  });
});
