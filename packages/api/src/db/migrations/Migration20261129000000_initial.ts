import { Migration } from '@mikro-orm/migrations';

/** Users, managed devices, and the partial unique indexes that keep one active record per hardware. */
export class Migration20261129000000_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table "app_user" (
        "id" uuid not null primary key,
        "user_principal_name" varchar(320) not null,
        "display_name" varchar(256) not null,
        "created_date_time" timestamptz not null,
        constraint "app_user_user_principal_name_unique" unique ("user_principal_name")
      );`);
    this.addSql(`
      create table "managed_device" (
        "id" uuid not null primary key,
        "device_name" varchar(256) not null,
        "platform" text check ("platform" in ('IOS', 'MACOS', 'WINDOWS', 'ANDROID')) not null,
        "operating_system" varchar(32) not null,
        "os_version" varchar(64) not null,
        "model" varchar(128) null,
        "manufacturer" varchar(128) null,
        "serial_number" varchar(128) null,
        "imei" varchar(15) null,
        "managed_device_owner_type" text check ("managed_device_owner_type" in ('unknown', 'company', 'personal')) not null,
        "enrollment_method" text check ("enrollment_method" in ('BYOD', 'DEM', 'DEP', 'USB_SA', 'USB_DIRECT', 'AUTO_ENROLL', 'BULK_ENROLL', 'ANDROID_FOR_WORK')) not null,
        "enrollment_type" text check ("enrollment_type" in ('unknown', 'userEnrollment', 'deviceEnrollmentManager', 'appleBulkWithUser', 'appleBulkWithoutUser', 'windowsAzureADJoin', 'windowsBulkUserless', 'windowsAutoEnrollment', 'windowsCoManagement')) not null,
        "management_state" text check ("management_state" in ('managed', 'retirePending', 'retired', 'wipePending', 'wiped', 'deletePending')) not null default 'managed',
        "enrolled_date_time" timestamptz not null,
        "last_sync_date_time" timestamptz not null,
        "user_id" uuid null,
        constraint "managed_device_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete set null
      );`);
    this.addSql(
      `create index "managed_device_enrolled_date_time_id_index" on "managed_device" ("enrolled_date_time", "id");`,
    );
    this.addSql(`create index "managed_device_user_id_index" on "managed_device" ("user_id");`);
    // One active record per piece of hardware, enforced by the database so that concurrent
    // enrollments of the same serial or IMEI cannot both insert (re-enrollment rules).
    this.addSql(`
      create unique index "managed_device_active_serial_unique" on "managed_device" ("platform", "serial_number")
      where "serial_number" is not null and "management_state" not in ('retired', 'wiped');`);
    this.addSql(`
      create unique index "managed_device_active_imei_unique" on "managed_device" ("imei")
      where "imei" is not null and "management_state" not in ('retired', 'wiped');`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "managed_device" cascade;');
    this.addSql('drop table if exists "app_user" cascade;');
  }
}
