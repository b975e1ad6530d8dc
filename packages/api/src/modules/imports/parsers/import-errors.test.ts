import { describe, expect, it } from 'vitest';
import { byRow, rejected, type ImportResult } from './import-errors.js';

describe('import result helpers', () => {
  it('wraps a file error in a rejected result that carries no rows', () => {
    const error = { code: 'EMPTY_FILE', message: 'File has no data rows' } as const;
    const result: ImportResult<string> = rejected(error);
    expect(result).toEqual({ kind: 'rejected', error });
    expect('rows' in result).toBe(false);
  });

  it('orders issues by row and keeps the order of issues within one row', () => {
    const issues = [
      { rowNumber: 3, rule: 'a' },
      { rowNumber: 1, rule: 'b' },
      { rowNumber: 3, rule: 'c' },
      { rowNumber: 1, rule: 'd' },
    ];
    expect(byRow(issues).map((i) => i.rule)).toEqual(['b', 'd', 'a', 'c']);
  });
});
