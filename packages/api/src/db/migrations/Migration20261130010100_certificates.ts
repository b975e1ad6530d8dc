import { Migration } from '@mikro-orm/migrations';

/**
 * MDM certificates: the stored issuing CA, device certificates with their lifecycle
 * status, check-in history (also the nonce replay guard), and Graph
 * `managementCertificateExpirationDate` on devices. Devices enrolled before this migration have
 * no certificate until they enroll again.
 */
export class Migration20261130010100_certificates extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "certificate_authority" ("id" varchar(32) not null, "certificate_pem" text not null, "sealed_private_key" text not null, "generated_key_secret" text null, "created_date_time" timestamptz not null, constraint "certificate_authority_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create table "mdm_certificate" ("id" uuid not null, "device_id" uuid not null, "serial_number" varchar(64) not null, "sha256_thumbprint" varchar(64) not null, "subject" text not null, "issuer" text not null, "not_before" timestamptz not null, "not_after" timestamptz not null, "status" text check ("status" in ('valid', 'expiring', 'expired', 'revoked')) not null, "pem" text not null, "issued_date_time" timestamptz not null, "revoked_date_time" timestamptz null, "revocation_reason" text check ("revocation_reason" in ('superseded', 'cessationOfOperation')) null, "superseded_by_id" uuid null, "expiring_threshold_days" smallint null, constraint "mdm_certificate_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "mdm_certificate_device_id_index" on "mdm_certificate" ("device_id");`);
    this.addSql(
      `alter table "mdm_certificate" add constraint "mdm_certificate_serial_number_unique" unique ("serial_number");`,
    );
    this.addSql(
      `alter table "mdm_certificate" add constraint "mdm_certificate_sha256_thumbprint_unique" unique ("sha256_thumbprint");`,
    );
    this.addSql(
      `create index "mdm_certificate_live_not_after_index" on "mdm_certificate" ("not_after") where "status" in ('valid', 'expiring');`,
    );
    this.addSql(
      `create unique index "mdm_certificate_current_unique" on "mdm_certificate" ("device_id") where "superseded_by_id" is null;`,
    );
    this.addSql(
      `create table "device_check_in" ("id" uuid not null, "device_id" uuid not null, "nonce" varchar(256) not null, "certificate_serial_number" varchar(64) not null, "proof_type" text check ("proof_type" in ('SIGNATURE', 'HMAC')) not null, "renewed" boolean not null, "checked_in_date_time" timestamptz not null, constraint "device_check_in_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "device_check_in_checked_in_date_time_index" on "device_check_in" ("checked_in_date_time");`,
    );
    this.addSql(
      `alter table "device_check_in" add constraint "device_check_in_device_id_nonce_unique" unique ("device_id", "nonce");`,
    );
    this.addSql(
      `alter table "mdm_certificate" add constraint "mdm_certificate_device_id_foreign" foreign key ("device_id") references "managed_device" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "device_check_in" add constraint "device_check_in_device_id_foreign" foreign key ("device_id") references "managed_device" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "managed_device" add column "management_certificate_expiration_date" timestamptz null;`,
    );
    this.addSql(
      `create index "managed_device_management_certificate_expiration_date_index" on "managed_device" ("management_certificate_expiration_date");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists "managed_device_management_certificate_expiration_date_index";');
    this.addSql(
      'alter table "managed_device" drop column if exists "management_certificate_expiration_date";',
    );
    this.addSql('drop table if exists "device_check_in" cascade;');
    this.addSql('drop table if exists "mdm_certificate" cascade;');
    this.addSql('drop table if exists "certificate_authority" cascade;');
  }
}
