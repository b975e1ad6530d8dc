import { Migration } from '@mikro-orm/migrations';

/**
 * Identity renewal over Apple's protocol: the gateway re-sends a device its enrollment profile
 * with a fresh one-time SCEP challenge. That challenge's invitation names the device and the
 * UDID (or EnrollmentID) it was minted for, so the certificate it obtains is adopted only by that
 * device's channel, and the identifier the installed profile's payload identifiers derive from,
 * so the new profile replaces the installed one. The partial index serves the "renewal in flight"
 * read of a device inside its renewal window.
 */
export class Migration20261203270000_identityRenewal extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "enrollment_invitation"
      add column "renews_device_id" uuid null,
      add column "renews_identifier" varchar(255) null,
      add column "profile_identifier_id" uuid null;`);
    this.addSql(`create index "enrollment_invitation_renews_device_id_index"
      on "enrollment_invitation" ("renews_device_id") where "renews_device_id" is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists "enrollment_invitation_renews_device_id_index";');
    this.addSql(`alter table "enrollment_invitation"
      drop column if exists "renews_device_id",
      drop column if exists "renews_identifier",
      drop column if exists "profile_identifier_id";`);
  }
}
