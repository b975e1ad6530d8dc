import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

/** Which file format an import read. */
export enum ImportKind {
  CORPORATE_IDENTIFIERS = 'CORPORATE_IDENTIFIERS',
  ABM_DEVICES = 'ABM_DEVICES',
  CONFIGURATOR_SERIALS = 'CONFIGURATOR_SERIALS',
  AUTOPILOT_DEVICES = 'AUTOPILOT_DEVICES',
  EAS_DEVICES = 'EAS_DEVICES',
  GRAPH_MANAGED_DEVICES = 'GRAPH_MANAGED_DEVICES',
}
registerEnumType(ImportKind, { name: 'ImportKind', description: 'The format of an imported file.' });

/** One completed import: who, when, which file, and what it did (counts per outcome). */
@ObjectType({ description: 'A completed import: who, when, which file, and its counts.' })
@Entity({ tableName: 'import_record' })
@Index({ properties: ['completedDateTime'] })
export class ImportRecord {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => ImportKind)
  @Enum({ items: () => ImportKind })
  kind!: ImportKind;

  @Field({ description: 'File name as uploaded (1-255 characters).' })
  @Property({ type: 'string', length: 255 })
  fileName!: string;

  @Field(() => String, {
    nullable: true,
    description:
      "Who imported: the user principal name of a user token, else the API token's name; null for an import without a caller.",
  })
  @Property({ type: 'string', length: 320, nullable: true })
  importedBy: string | null = null;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  completedDateTime!: Date;

  @Field(() => Boolean, { description: 'Imported with `partial`: good rows written, bad rows reported.' })
  @Property({ type: 'boolean', default: false })
  partial: boolean & Opt = false;

  @Field(() => Int, { description: 'Valid rows read (after merging identical duplicates).' })
  @Property({ type: 'integer' })
  rowCount!: number;

  @Field(() => Int)
  @Property({ type: 'integer', default: 0 })
  newCount: number & Opt = 0;

  @Field(() => Int)
  @Property({ type: 'integer', default: 0 })
  unchangedCount: number & Opt = 0;

  @Field(() => Int)
  @Property({ type: 'integer', default: 0 })
  overwrittenCount: number & Opt = 0;

  @Field(() => Int, { description: 'Rows that differ from what is stored and were not overwritten.' })
  @Property({ type: 'integer', default: 0 })
  conflictingCount: number & Opt = 0;

  @Field(() => Int, { description: 'Records removed (ABM `deleted`).' })
  @Property({ type: 'integer', default: 0 })
  deletedCount: number & Opt = 0;

  @Field(() => Int, { description: 'Bad rows left out (only with `partial`).' })
  @Property({ type: 'integer', default: 0 })
  rejectedRowCount: number & Opt = 0;
}
