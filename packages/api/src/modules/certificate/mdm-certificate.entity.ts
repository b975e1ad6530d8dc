import { randomUUID } from 'node:crypto';
import {
  Entity,
  Enum,
  Index,
  ManyToOne,
  PrimaryKey,
  Property,
  Unique,
  type Opt,
  type Ref,
} from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { ManagedDevice } from '../device/device.entity.js';
import { liveSql } from '../lifecycle/lifecycle.policy.js';
import { MdmCertificateStatus, RevocationReason } from './mdm-certificate.enums.js';

/**
 * An MDM device certificate issued by the gateway CA (seed: "When a device is enrolled, it is
 * issued an MDM certificate. This certificate is used to communicate with the service.").
 * The private key is never stored: the device keeps it (CSR path) or received it once.
 */
@ObjectType({ description: 'An X.509 MDM certificate issued to a device by the gateway CA.' })
@Entity({ tableName: 'mdm_certificate' })
// At most one current (not superseded) certificate per device; renewal and re-enrollment
// supersede the previous one in the same transaction that inserts the new one.
@Index({
  name: 'mdm_certificate_current_unique',
  expression: `create unique index "mdm_certificate_current_unique" on "mdm_certificate" ("device_id") where "superseded_by_id" is null`,
})
// The lifecycle sweeper only scans certificates that can still change status.
@Index({
  name: 'mdm_certificate_live_not_after_index',
  expression: `create index "mdm_certificate_live_not_after_index" on "mdm_certificate" ("not_after") where ${liveSql('"status"')}`,
})
// The lifecycle sweeper finds certificates created since its last sweep (lifecycle-sweeper.service.ts).
@Index({
  name: 'mdm_certificate_live_created_xid_index',
  expression: `create index "mdm_certificate_live_created_xid_index" on "mdm_certificate" ("created_xid") where ${liveSql('"status"')}`,
})
export class MdmCertificate {
  @Field(() => ID, { description: 'Certificate record id (UUID).' })
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /**
   * The device the certificate was issued to; null while a certificate issued over SCEP awaits the
   * device's first check-in (a pending enrollment, modules/scep/pending-enrollment.entity.ts). No
   * foreign key: whoever deletes a device deletes its certificates first, set-based
   * (modules/device/device.store.ts, DEVICE_CHILD_TABLES; a cascading key cost a trigger call per removed device).
   */
  @ManyToOne(() => ManagedDevice, { ref: true, nullable: true, createForeignKeyConstraint: false })
  @Index()
  device!: Ref<ManagedDevice> | null;

  @Field({ description: 'Certificate serial number: 32 uppercase hex digits (128 random bits).' })
  @Property({ type: 'string', length: 64 })
  @Unique()
  serialNumber!: string;

  @Field({ description: 'SHA-256 over the DER encoding: 64 uppercase hex digits, no colons.' })
  @Property({ type: 'string', length: 64, fieldName: 'sha256_thumbprint' })
  @Unique()
  sha256Thumbprint!: string;

  @Field({ description: 'Subject distinguished name (CN is the device id).' })
  @Property({ type: 'text' })
  subject!: string;

  @Field({ description: 'Issuer distinguished name (the gateway CA).' })
  @Property({ type: 'text' })
  issuer!: string;

  @Field(() => Date, {
    description: 'Start of validity (UTC), backdated by CERT_BACKDATE_SECONDS for clock skew.',
  })
  @Property({ type: 'timestamptz' })
  notBefore!: Date;

  @Field(() => Date, {
    description: 'End of validity (UTC), inclusive: valid at notAfter, expired one second later.',
  })
  @Property({ type: 'timestamptz' })
  notAfter!: Date;

  /**
   * Stored status: only revocation is authoritative here (`revoked`); valid, expiring and expired
   * follow from notAfter and the clock, so the API derives them at read time
   * (modules/lifecycle/lifecycle.policy.ts) and the lifecycle sweeper never rewrites rows.
   */
  @Enum({ items: () => MdmCertificateStatus })
  status!: MdmCertificateStatus;

  @Field({ description: 'The certificate, PEM-encoded.' })
  @Property({ type: 'text' })
  pem!: string;

  @Field(() => Date, { description: 'When the gateway issued it (UTC).' })
  @Property({ type: 'timestamptz' })
  issuedDateTime!: Date;

  @Field(() => Date, { nullable: true, description: 'When it was revoked (UTC); null unless revoked.' })
  @Property({ type: 'timestamptz', nullable: true })
  revokedDateTime: Date | null = null;

  @Field(() => RevocationReason, { nullable: true, description: 'Why it was revoked; null unless revoked.' })
  @Enum({ items: () => RevocationReason, nullable: true })
  revocationReason: RevocationReason | null = null;

  @Field(() => ID, {
    nullable: true,
    description:
      'Id of the certificate that replaced this one (renewal or re-enrollment); null while current.',
  })
  @Property({ type: 'uuid', nullable: true })
  supersededById: string | null = null;

  /** No longer written (the threshold is derived at read time, lifecycle.policy.ts); kept for existing rows. */
  @Property({ type: 'smallint', nullable: true })
  expiringThresholdDays: number | null = null;

  /**
   * The transaction that created the row, set by the database (`pg_current_xact_id()`): the
   * lifecycle sweeper compares it with the snapshots of earlier sweeps to know which of them saw
   * the certificate. Never loaded with the entity.
   */
  @Property({ columnType: 'xid8', defaultRaw: 'pg_current_xact_id()', lazy: true, hidden: true })
  createdXid?: Opt<string>;
}
