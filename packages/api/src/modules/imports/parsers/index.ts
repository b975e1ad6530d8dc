/**
 * Import parsers: pure functions from an uploaded file (string or bytes) to typed rows, row errors
 * and notices, or a whole-file rejection. No I/O, no database. See import-errors.ts for the shapes.
 */
export {
  byRow,
  rejected,
  type ImportFileError,
  type ImportFileErrorCode,
  type ImportResult,
  type ImportRowError,
  type ImportRowIssue,
  type ImportRowNotice,
  type RowErrorRule,
  type RowNoticeRule,
} from './import-errors.js';
export {
  FIVE_MB,
  decodeImportText,
  inputByteLength,
  type DecodeOptions,
  type DecodedText,
} from './text-decoding.js';
export { readCsvRecords, type CsvReadOptions, type CsvRecord, type CsvRecords } from './csv-records.js';
export { mergeDuplicates, type KeyedRow, type MergedRows } from './duplicates.js';
export { formatInstant, parseInstant, TICKS_PER_MS, type Instant } from './instants.js';
export {
  CORPORATE_IDENTIFIER_LIMITS,
  parseCorporateIdentifiers,
  type CorporateIdentifierRow,
  type CorporateIdentifierType,
} from './corporate-identifiers.parser.js';
export {
  CONFIGURATOR_SERIAL_LIMITS,
  parseConfiguratorSerials,
  type ConfiguratorSerialRow,
} from './configurator-serials.parser.js';
export {
  AUTOPILOT_COLUMNS,
  AUTOPILOT_LIMITS,
  NON_ANSI,
  parseAutopilotDevices,
  type AutopilotDeviceRow,
} from './autopilot.parser.js';
export {
  ABM_MAX_BYTES,
  parseAbmDevicesPage,
  reduceAbmSync,
  type AbmDevice,
  type AbmOpType,
  type AbmPageInfo,
  type AbmProfileStatus,
} from './abm-devices.parser.js';
export {
  GRAPH_ENUMS,
  readGraphEnum,
  type GraphEnumMember,
  type GraphEnumName,
  type GraphEnumValue,
} from './graph-enums.js';
export {
  GRAPH_MAX_BYTES,
  parseGraphManagedDevices,
  readByteCount,
  type GraphDeviceActionResult,
  type GraphManagedDevice,
} from './graph-managed-devices.parser.js';
