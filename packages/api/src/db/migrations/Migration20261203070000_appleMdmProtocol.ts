import { Migration } from '@mikro-orm/migrations';

/**
 * Apple's MDM check-in and command protocol: a device's protocol enrollment (UDID or
 * EnrollmentID, push token and magic, UnlockToken, bootstrap token) and its command queue.
 * Children of the device without a foreign key (DEVICE_CHILD_TABLES in device/device.store.ts).
 */
export class Migration20261203070000_appleMdmProtocol extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "apple_mdm_enrollment" ("id" uuid not null, "device_id" uuid not null, "channel" text check ("channel" in ('device', 'userEnrollment')) not null, "identifier" varchar(128) not null, "topic" varchar(255) not null, "push_token" varchar(200) null, "push_magic" varchar(256) null, "unlock_token" text null, "bootstrap_token" text null, "awaiting_configuration" boolean not null default false, "authenticated_date_time" timestamptz not null, "last_token_update_date_time" timestamptz null, "checked_out_date_time" timestamptz null, constraint "apple_mdm_enrollment_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "apple_mdm_enrollment" add constraint "apple_mdm_enrollment_device_id_unique" unique ("device_id");`,
    );
    this.addSql(
      `alter table "apple_mdm_enrollment" add constraint "apple_mdm_enrollment_identifier_unique" unique ("identifier");`,
    );
    this.addSql(
      `create table "mdm_command" ("id" uuid not null, "device_id" uuid not null, "command_uuid" varchar(64) not null, "request_type" varchar(64) not null, "parameters" jsonb not null, "device_action_id" uuid null, "status" text check ("status" in ('queued', 'sent', 'acknowledged', 'error', 'commandFormatError', 'notNow', 'cancelled')) not null, "queued_date_time" timestamptz not null, "sent_date_time" timestamptz null, "deliveries" int not null default 0, "answered_date_time" timestamptz null, "answer" text null, constraint "mdm_command_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "mdm_command" add constraint "mdm_command_command_uuid_unique" unique ("command_uuid");`,
    );
    this.addSql(
      `create index "mdm_command_device_id_queued_date_time_index" on "mdm_command" ("device_id", "queued_date_time");`,
    );
    this.addSql(`alter table "device_action" drop constraint if exists "device_action_action_check";`);
    this.addSql(
      `alter table "device_action" add constraint "device_action_action_check" check ("action" in ('retire', 'wipe', 'unenroll', 'delete', 'resetDuringEnrollment', 'changeOwnership', 'replacedByReenrollment', 'checkedOut'));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "mdm_command";');
    this.addSql('drop table if exists "apple_mdm_enrollment";');
  }
}
