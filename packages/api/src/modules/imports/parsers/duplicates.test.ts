import { describe, expect, it } from 'vitest';
import { mergeDuplicates, type KeyedRow } from './duplicates.js';

const item = (rowNumber: number, key: string, fingerprint: string): KeyedRow<string> => ({
  row: `r${rowNumber}`,
  rowNumber,
  key,
  fingerprint,
});

describe('mergeDuplicates', () => {
  it('keeps rows with distinct keys untouched and in row order', () => {
    expect(mergeDuplicates([item(1, 'a', ''), item(2, 'b', '')], 'serial')).toEqual({
      rows: ['r1', 'r2'],
      errors: [],
      notices: [],
    });
  });

  it('keeps the first of identical rows and notes each repeat', () => {
    expect(mergeDuplicates([item(1, 'a', 'x'), item(2, 'b', ''), item(3, 'a', 'x')], 'imei')).toEqual({
      rows: ['r1', 'r2'],
      errors: [],
      notices: [
        {
          rowNumber: 3,
          column: 'imei',
          rule: 'DUPLICATE_IDENTICAL',
          message: 'a repeats row 1 with the same data; imported once',
        },
      ],
    });
  });

  it('drops every row of a key whose rows disagree, with one error per row naming all of them', () => {
    const result = mergeDuplicates(
      [item(1, 'a', 'x'), item(2, 'a', 'x'), item(3, 'a', 'y'), item(4, 'b', '')],
      'serial',
      (k) => `<${k}>`,
    );
    const message = '<a> appears on rows 1, 2, 3 with different data; keep one row';
    expect(result).toEqual({
      rows: ['r4'],
      errors: [1, 2, 3].map((rowNumber) => ({
        rowNumber,
        column: 'serial',
        rule: 'DUPLICATE_CONFLICT',
        message,
      })),
      notices: [],
    });
  });
});
