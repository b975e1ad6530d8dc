import { Migration } from '@mikro-orm/migrations';

/**
 * Imports: import records, Autopilot registrations, Exchange connectors and EAS
 * partnerships, DEP tokens (depOnboardingSetting), Graph managedDevice exports, and ABM fields on the Apple device list.
 */
export class Migration20261130020100_imports extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "autopilot_device" ("id" uuid not null, "serial_number" varchar(128) not null, "windows_product_id" varchar(64) null, "hardware_hash" text not null, "group_tag" varchar(2048) null, "assigned_user" varchar(320) null, "imported_date_time" timestamptz not null, constraint "autopilot_device_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "autopilot_device" add constraint "autopilot_device_serial_number_unique" unique ("serial_number");`,
    );
    this.addSql(
      `create table "exchange_connector" ("id" uuid not null, "server_name" varchar(256) not null, "exchange_connector_type" text check ("exchange_connector_type" in ('onPremises', 'hosted')) not null, "status" text check ("status" in ('connected', 'disconnected')) not null default 'connected', "last_sync_date_time" timestamptz null, constraint "exchange_connector_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create table "eas_device" ("id" uuid not null, "connector_id" uuid not null, "eas_device_id" varchar(128) not null, "user_principal_name" varchar(320) not null, "device_type" varchar(128) null, "operating_system" varchar(128) null, "last_sync_date_time" timestamptz null, "access_state" text check ("access_state" in ('allowed', 'blocked', 'quarantined')) not null default 'allowed', "linked_device_id" uuid null, constraint "eas_device_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "eas_device" add constraint "eas_device_connector_id_eas_device_id_unique" unique ("connector_id", "eas_device_id");`,
    );
    this.addSql(
      `create table "graph_imported_device" ("id" uuid not null, "graph_id" varchar(128) not null, "device_name" varchar(256) null, "user_principal_name" varchar(320) null, "operating_system" varchar(128) null, "os_version" varchar(128) null, "serial_number" varchar(128) null, "imei" varchar(64) null, "managed_device_owner_type" varchar(32) null, "management_agent" varchar(64) null, "device_enrollment_type" varchar(64) null, "compliance_state" varchar(64) null, "enum_originals" jsonb not null, "enrolled_ticks" bigint null, "enrolled_offset_minutes" int null, "last_sync_ticks" bigint null, "last_sync_offset_minutes" int null, "total_storage_space_in_bytes" bigint null, "free_storage_space_in_bytes" bigint null, "physical_memory_in_bytes" bigint null, "imported_date_time" timestamptz not null, constraint "graph_imported_device_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "graph_imported_device" add constraint "graph_imported_device_graph_id_unique" unique ("graph_id");`,
    );
    this.addSql(
      `create table "import_record" ("id" uuid not null, "kind" text check ("kind" in ('CORPORATE_IDENTIFIERS', 'ABM_DEVICES', 'CONFIGURATOR_SERIALS', 'AUTOPILOT_DEVICES', 'EAS_DEVICES', 'GRAPH_MANAGED_DEVICES')) not null, "file_name" varchar(255) not null, "imported_by" varchar(320) null, "completed_date_time" timestamptz not null, "partial" boolean not null default false, "row_count" int not null, "new_count" int not null default 0, "unchanged_count" int not null default 0, "overwritten_count" int not null default 0, "conflicting_count" int not null default 0, "deleted_count" int not null default 0, "rejected_row_count" int not null default 0, constraint "import_record_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "import_record_completed_date_time_index" on "import_record" ("completed_date_time");`,
    );
    this.addSql(
      `alter table "eas_device" add constraint "eas_device_connector_id_foreign" foreign key ("connector_id") references "exchange_connector" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "apple_device" add column "apple_profile_uuid" varchar(64) null, add column "device_assigned_by" varchar(320) null;`,
    );
    this.addSql(
      `create table "dep_onboarding_setting" ("id" uuid not null, "apple_identifier" varchar(320) not null, "token_expiration_date_time" timestamptz not null, "last_sync_date_time" timestamptz null, "synced_device_count" int not null default 0, "created_date_time" timestamptz not null, constraint "dep_onboarding_setting_pkey" primary key ("id"));`,
    );
  }

  override async down(): Promise<void> {
    for (const table of [
      'dep_onboarding_setting',
      'eas_device',
      'exchange_connector',
      'autopilot_device',
      'graph_imported_device',
      'import_record',
    ]) {
      this.addSql(`drop table if exists "${table}" cascade;`);
    }
    this.addSql(
      `alter table "apple_device" drop column "apple_profile_uuid", drop column "device_assigned_by";`,
    );
  }
}
