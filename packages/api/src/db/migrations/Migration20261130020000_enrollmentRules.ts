import { Migration } from '@mikro-orm/migrations';

/**
 * Enrollment rules: DEM accounts and user groups, device flags (supervised, locked,
 * reset, USB-Direct limits, join type, EAS link), Apple profiles / device lists / exports, bulk
 * enrollment tokens, restrictions, device action history and corporate identifiers.
 */
export class Migration20261130020000_enrollmentRules extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "apple_enrollment_profile" ("id" uuid not null, "display_name" varchar(128) not null, "kind" text check ("kind" in ('DEP', 'USB_SA', 'USB_DIRECT')) not null, "requires_user_authentication" boolean not null default false, "supervised_mode_enabled" boolean not null default true, "is_mandatory" boolean not null default false, "profile_removal_disabled" boolean not null default false, "await_device_configured_confirmation" boolean not null default false, "is_default" boolean not null default false, "kiosk_mode_enabled" boolean not null default false, "created_date_time" timestamptz not null, constraint "apple_enrollment_profile_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create table "apple_device" ("id" uuid not null, "source" text check ("source" in ('DEP', 'CONFIGURATOR')) not null, "serial_number" varchar(128) not null, "model" varchar(128) null, "description" varchar(256) null, "profile_status" varchar(32) null, "op_date_time" timestamptz null, "profile_id" uuid null, "updated_date_time" timestamptz not null, constraint "apple_device_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "apple_device" add constraint "apple_device_source_serial_number_unique" unique ("source", "serial_number");`,
    );
    this.addSql(
      `create table "apple_profile_export" ("id" uuid not null, "profile_id" uuid not null, "token_hash" varchar(64) not null, "exported_date_time" timestamptz not null, "expires_date_time" timestamptz null, constraint "apple_profile_export_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "apple_profile_export" add constraint "apple_profile_export_token_hash_unique" unique ("token_hash");`,
    );
    this.addSql(
      `create table "bulk_enrollment_token" ("id" uuid not null, "display_name" varchar(128) not null, "token_hash" varchar(64) not null, "created_date_time" timestamptz not null, "expires_date_time" timestamptz not null, constraint "bulk_enrollment_token_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "bulk_enrollment_token" add constraint "bulk_enrollment_token_token_hash_unique" unique ("token_hash");`,
    );
    this.addSql(
      `create table "corporate_identifier" ("id" uuid not null, "identifier_type" text check ("identifier_type" in ('IMEI', 'SERIAL', 'WINDOWS')) not null, "identifier" varchar(128) not null, "details" varchar(512) null, "manufacturer" varchar(512) null, "model" varchar(512) null, "enrollment_state" text check ("enrollment_state" in ('unknown', 'enrolled', 'pendingReset', 'failed', 'notContacted', 'blocked')) not null default 'notContacted', "last_contacted_date_time" timestamptz null, "created_date_time" timestamptz not null, constraint "corporate_identifier_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "corporate_identifier_identifier_index" on "corporate_identifier" ("identifier");`,
    );
    this.addSql(
      `create unique index "corporate_identifier_identity_unique" on "corporate_identifier" ("identifier_type", "identifier", coalesce("manufacturer", ''), coalesce("model", ''));`,
    );
    this.addSql(
      `create table "device_action" ("id" uuid not null, "device_id" uuid not null, "action" text check ("action" in ('retire', 'wipe', 'unenroll', 'delete', 'resetDuringEnrollment', 'changeOwnership', 'replacedByReenrollment')) not null, "state" text check ("state" in ('pending', 'done', 'cancelled')) not null, "requested_by" varchar(320) null, "requested_date_time" timestamptz not null, "completed_date_time" timestamptz null, "details" text null, constraint "device_action_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "device_action_device_id_requested_date_time_index" on "device_action" ("device_id", "requested_date_time");`,
    );
    this.addSql(
      `create table "enrollment_restriction" ("id" uuid not null, "display_name" varchar(128) not null, "kind" text check ("kind" in ('DEVICE_LIMIT', 'PLATFORM')) not null, "priority" int not null, "target_groups" text[] not null default '{}', "device_limit" int null, "platform" text check ("platform" in ('IOS', 'MACOS', 'WINDOWS', 'ANDROID')) null, "platform_blocked" boolean not null default false, "personal_device_enrollment_blocked" boolean not null default false, "os_minimum_version" varchar(64) null, "os_maximum_version" varchar(64) null, "created_date_time" timestamptz not null, constraint "enrollment_restriction_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "enrollment_restriction" add constraint "enrollment_restriction_kind_priority_unique" unique ("kind", "priority");`,
    );
    this.addSql(
      `alter table "apple_device" add constraint "apple_device_profile_id_foreign" foreign key ("profile_id") references "apple_enrollment_profile" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "apple_profile_export" add constraint "apple_profile_export_profile_id_foreign" foreign key ("profile_id") references "apple_enrollment_profile" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "app_user" add column "is_device_enrollment_manager" boolean not null default false, add column "groups" text[] not null default '{}';`,
    );
    this.addSql(
      `alter table "managed_device" add column "enrollment_manager_id" uuid null, add column "is_supervised" boolean not null default false, add column "locked_enrollment" boolean not null default false, add column "reset_during_enrollment" boolean not null default false, add column "kiosk_mode" boolean not null default false, add column "supports_conditional_access" boolean not null default true, add column "supports_jailbreak_detection" boolean not null default true, add column "supports_app_protection" boolean not null default true, add column "join_type" text check ("join_type" in ('azureADJoined', 'azureADRegistered')) null, add column "management_agent" text check ("management_agent" in ('mdm', 'eas', 'easMdm')) not null default 'mdm', add column "eas_activated" boolean not null default false, add column "eas_device_id" varchar(128) null;`,
    );
    this.addSql(
      `alter table "managed_device" add constraint "managed_device_enrollment_manager_id_foreign" foreign key ("enrollment_manager_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `create index "managed_device_enrollment_manager_id_index" on "managed_device" ("enrollment_manager_id");`,
    );
  }

  override async down(): Promise<void> {
    for (const table of [
      'apple_profile_export',
      'apple_device',
      'apple_enrollment_profile',
      'bulk_enrollment_token',
      'corporate_identifier',
      'device_action',
      'enrollment_restriction',
    ]) {
      this.addSql(`drop table if exists "${table}" cascade;`);
    }
    this.addSql(
      `alter table "managed_device" drop column "enrollment_manager_id", drop column "is_supervised", drop column "locked_enrollment", drop column "reset_during_enrollment", drop column "kiosk_mode", drop column "supports_conditional_access", drop column "supports_jailbreak_detection", drop column "supports_app_protection", drop column "join_type", drop column "management_agent", drop column "eas_activated", drop column "eas_device_id";`,
    );
    this.addSql(`alter table "app_user" drop column "is_device_enrollment_manager", drop column "groups";`);
  }
}
