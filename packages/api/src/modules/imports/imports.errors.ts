import { DomainError } from '../../shared/domain-error.js';
import { ErrorCode } from '../../shared/error-code.js';
import type { ImportFileError, ImportRowError } from './parsers/index.js';

/**
 * The file was not imported: a whole-file problem (`fileError`), or bad rows without the
 * `partial` option (`rowErrors`, every one with row number, column and reason). Nothing was written.
 */
export class ImportRejectedError extends DomainError {
  constructor(
    readonly fileError: ImportFileError | null,
    readonly rowErrors: readonly ImportRowError[],
  ) {
    super(
      ErrorCode.IMPORT_REJECTED,
      fileError
        ? `file rejected (${fileError.code}): ${fileError.message}`
        : `${rowErrors.length} row(s) are invalid; nothing was imported (use partial to import the valid rows)`,
    );
  }
}
