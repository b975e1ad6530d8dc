import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

/** Graph `importedDeviceIdentityType`, plus Windows manufacturer+model+serial triples. */
export enum CorporateIdentifierType {
  IMEI = 'IMEI',
  SERIAL = 'SERIAL',
  WINDOWS = 'WINDOWS',
}
registerEnumType(CorporateIdentifierType, {
  name: 'CorporateIdentifierType',
  description: 'IMEI, SERIAL, or WINDOWS (manufacturer, model, serial).',
});

/** Graph `enrollmentState` of an imported identity. */
export enum IdentifierEnrollmentState {
  unknown = 'unknown',
  enrolled = 'enrolled',
  pendingReset = 'pendingReset',
  failed = 'failed',
  notContacted = 'notContacted',
  blocked = 'blocked',
}
registerEnumType(IdentifierEnrollmentState, {
  name: 'IdentifierEnrollmentState',
  description: 'Graph `enrollmentState` of an imported device identity.',
});

/**
 * A corporate device identifier (Graph `importedDeviceIdentity`; seed: "Devices with an IMEI
 * number can also be identified and tagged as company-owned"). A BYOD enrollment whose IMEI or
 * serial matches one enrolls as `company`.
 */
@ObjectType({ description: 'A corporate device identifier (Graph `importedDeviceIdentity`).' })
@Entity({ tableName: 'corporate_identifier' })
@Index({
  name: 'corporate_identifier_identity_unique',
  expression: `create unique index "corporate_identifier_identity_unique" on "corporate_identifier" ("identifier_type", "identifier", coalesce("manufacturer", ''), coalesce("model", ''))`,
})
@Index({
  name: 'corporate_identifier_serial_upper_index',
  expression: `create index "corporate_identifier_serial_upper_index" on "corporate_identifier" ("identifier_type", upper("identifier")) where "identifier_type" <> 'IMEI'`,
})
@Index({ properties: ['identifier'] })
export class CorporateIdentifier {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => CorporateIdentifierType)
  @Enum({ items: () => CorporateIdentifierType })
  identifierType!: CorporateIdentifierType;

  @Field({ description: 'IMEI (15 digits) or serial number (periods removed).' })
  @Property({ type: 'string', length: 128 })
  identifier!: string;

  @Field(() => String, { nullable: true, description: 'Free text, at most 128 characters.' })
  @Property({ type: 'string', length: 512, nullable: true })
  details: string | null = null;

  @Field(() => String, { nullable: true, description: 'WINDOWS only.' })
  @Property({ type: 'string', length: 512, nullable: true })
  manufacturer: string | null = null;

  @Field(() => String, { nullable: true, description: 'WINDOWS only.' })
  @Property({ type: 'string', length: 512, nullable: true })
  model: string | null = null;

  @Field(() => IdentifierEnrollmentState, {
    description: 'Kept current as devices enroll: notContacted until a matching device enrolls.',
  })
  @Enum({ items: () => IdentifierEnrollmentState, default: IdentifierEnrollmentState.notContacted })
  enrollmentState: IdentifierEnrollmentState & Opt = IdentifierEnrollmentState.notContacted;

  @Field(() => Date, { nullable: true, description: 'When a matching device last enrolled.' })
  @Property({ type: 'timestamptz', nullable: true })
  lastContactedDateTime: Date | null = null;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  createdDateTime!: Date;
}
