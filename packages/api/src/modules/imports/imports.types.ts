import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { UserError } from '../../shared/graphql/user-error.types.js';
import { ImportRecord } from './import-record.entity.js';

/** What an import did with one row. */
export enum ImportRowOutcome {
  NEW = 'NEW',
  UNCHANGED = 'UNCHANGED',
  OVERWRITTEN = 'OVERWRITTEN',
  CONFLICTING = 'CONFLICTING',
  DELETED = 'DELETED',
}
registerEnumType(ImportRowOutcome, {
  name: 'ImportRowOutcome',
  description:
    'NEW (created), UNCHANGED (already stored as is), OVERWRITTEN (stored record updated), CONFLICTING (differs; not overwritten), DELETED.',
});

@ObjectType({ description: 'The outcome of one valid row.' })
export class ImportRowResult {
  @Field(() => Int, {
    description: "CSV line (1-based; Autopilot's header is line 1) or 1-based position in the JSON array.",
  })
  rowNumber!: number;

  @Field({ description: "The row's key: identifier, serial number, EAS device id or Graph id." })
  key!: string;

  @Field(() => ImportRowOutcome)
  outcome!: ImportRowOutcome;
}

@ObjectType({ description: 'A bad row (error) or a note about a kept row (notice).' })
export class ImportRowIssueType {
  @Field(() => Int)
  rowNumber!: number;

  @Field(() => String, {
    nullable: true,
    description: 'Column name / JSON key; null when the whole row is concerned.',
  })
  column!: string | null;

  @Field({ description: 'Rule name, e.g. IMEI_CHECK_DIGIT, DUPLICATE_CONFLICT, DUPLICATE_IDENTICAL.' })
  rule!: string;

  @Field()
  message!: string;
}

@ObjectType({ description: 'Why a whole file was rejected.' })
export class ImportFileErrorType {
  @Field({
    description:
      'UNSUPPORTED_ENCODING, FILE_TOO_LARGE, TOO_MANY_ROWS, EMPTY_FILE, MALFORMED_CSV, MALFORMED_JSON, HEADER_MISMATCH or INVALID_DOCUMENT.',
  })
  code!: string;

  @Field()
  message!: string;

  @Field(() => Int, { nullable: true, description: 'Text line, where known.' })
  line?: number | null;

  @Field(() => Int, { nullable: true, description: 'The limit (bytes or rows) for limit codes.' })
  limit?: number | null;

  @Field(() => Int, { nullable: true, description: 'What the file had (a lower bound for TOO_MANY_ROWS).' })
  actual?: number | null;
}

@ObjectType({ description: 'The file was imported.' })
export class ImportSuccess {
  @Field(() => ImportRecord, { description: 'The recorded import with its counts.' })
  importRecord!: ImportRecord;

  @Field(() => [ImportRowResult], { description: 'Outcome of every written or compared row, in row order.' })
  rows!: ImportRowResult[];

  @Field(() => [ImportRowIssueType], { description: 'Bad rows left out (only with partial).' })
  rowErrors!: ImportRowIssueType[];

  @Field(() => [ImportRowIssueType], {
    description: 'Notes on kept rows (merged duplicates, completed IMEIs, unknown enum values...).',
  })
  notices!: ImportRowIssueType[];
}

@ObjectType('ImportRejectedError', {
  implements: UserError,
  description: 'The file was not imported; nothing was written.',
})
export class ImportRejectedErrorType extends UserError {
  @Field(() => ImportFileErrorType, { nullable: true, description: 'Set when the whole file was rejected.' })
  fileError!: ImportFileErrorType | null;

  @Field(() => [ImportRowIssueType], {
    description: 'Every bad row (when rows, not the file, were the problem).',
  })
  rowErrors!: ImportRowIssueType[];
}

@ObjectType({
  description:
    'A committed import, as delivered by the importCompleted subscription (topic `import.completed`).',
})
export class ImportCompletedEvent {
  @Field()
  importId!: string;

  @Field({ description: 'ImportKind name.' })
  kind!: string;

  @Field()
  fileName!: string;

  @Field(() => Int)
  rowCount!: number;

  @Field(() => Int)
  newCount!: number;

  @Field(() => Int)
  unchangedCount!: number;

  @Field(() => Int)
  overwrittenCount!: number;

  @Field(() => Int)
  conflictingCount!: number;

  @Field(() => Int)
  deletedCount!: number;

  @Field(() => Int)
  rejectedRowCount!: number;

  @Field({ description: 'ISO-8601 UTC instant of the commit.' })
  completedAt!: string;
}
