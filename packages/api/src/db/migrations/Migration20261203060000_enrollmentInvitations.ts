import { Migration } from '@mikro-orm/migrations';

/**
 * Enrollment invitations (the binding of a profile's SCEP challenge) and pending enrollments
 * (certificates issued over SCEP whose device has not checked in yet). A pending certificate is a
 * row of `mdm_certificate` without a device, so `device_id` becomes nullable: the lifecycle
 * sweeper's expiry and removal statements join devices and so leave such rows alone.
 */
export class Migration20261203060000_enrollmentInvitations extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "enrollment_invitation" ("id" uuid not null, "platform" text check ("platform" in ('IOS', 'MACOS', 'WINDOWS', 'ANDROID')) not null, "method" text check ("method" in ('BYOD', 'DEM', 'DEP', 'USB_SA', 'USB_DIRECT', 'AUTO_ENROLL', 'BULK_ENROLL', 'ANDROID_FOR_WORK')) not null, "ownership_intent" text check ("ownership_intent" in ('unknown', 'company', 'personal')) not null, "user_id" uuid null, "enrollment_manager_id" uuid null, "serial_number" varchar(128) null, "apple_profile_id" uuid null, "profile_token_hash" varchar(64) not null, "challenge_hash" varchar(64) not null, "max_uses" smallint null default 1, "use_count" int not null default 0, "created_date_time" timestamptz not null, "expires_date_time" timestamptz not null, "used_date_time" timestamptz null, "created_by" varchar(320) null, constraint "enrollment_invitation_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "enrollment_invitation_user_id_index" on "enrollment_invitation" ("user_id");`);
    this.addSql(
      `alter table "enrollment_invitation" add constraint "enrollment_invitation_profile_token_hash_unique" unique ("profile_token_hash");`,
    );
    this.addSql(
      `alter table "enrollment_invitation" add constraint "enrollment_invitation_challenge_hash_unique" unique ("challenge_hash");`,
    );
    this.addSql(
      `create table "pending_enrollment" ("id" uuid not null, "certificate_id" uuid not null, "invitation_id" uuid not null, "status" text check ("status" in ('pending', 'completed', 'refused')) not null default 'pending', "created_date_time" timestamptz not null, "resolved_date_time" timestamptz null, "device_id" uuid null, "refusal_code" varchar(64) null, constraint "pending_enrollment_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "pending_enrollment" add constraint "pending_enrollment_certificate_id_unique" unique ("certificate_id");`,
    );
    this.addSql(
      `alter table "enrollment_invitation" add constraint "enrollment_invitation_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "enrollment_invitation" add constraint "enrollment_invitation_enrollment_manager_id_foreign" foreign key ("enrollment_manager_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "enrollment_invitation" add constraint "enrollment_invitation_apple_profile_id_foreign" foreign key ("apple_profile_id") references "apple_enrollment_profile" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "pending_enrollment" add constraint "pending_enrollment_certificate_id_foreign" foreign key ("certificate_id") references "mdm_certificate" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "pending_enrollment" add constraint "pending_enrollment_invitation_id_foreign" foreign key ("invitation_id") references "enrollment_invitation" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(`alter table "mdm_certificate" alter column "device_id" drop not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "pending_enrollment" cascade;`);
    this.addSql(`drop table if exists "enrollment_invitation" cascade;`);
    this.addSql(`delete from "mdm_certificate" where "device_id" is null;`);
    this.addSql(`alter table "mdm_certificate" alter column "device_id" set not null;`);
  }
}
