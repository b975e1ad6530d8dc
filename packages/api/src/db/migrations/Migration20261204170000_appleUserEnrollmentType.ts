import { Migration } from '@mikro-orm/migrations';

/**
 * Graph `deviceEnrollmentType` `appleUserEnrollment`: a device enrolled through Apple's User
 * Enrollment (an EnrollmentID, no UDID), told apart from Graph's `userEnrollment`, the
 * user-driven BYOD enrollment of the whole device.
 */
export class Migration20261204170000_appleUserEnrollmentType extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "managed_device" drop constraint if exists "managed_device_enrollment_type_check";`,
    );
    this.addSql(
      `alter table "managed_device" add constraint "managed_device_enrollment_type_check" check ("enrollment_type" in ('unknown', 'userEnrollment', 'deviceEnrollmentManager', 'appleBulkWithUser', 'appleBulkWithoutUser', 'windowsAzureADJoin', 'windowsBulkUserless', 'windowsAutoEnrollment', 'windowsCoManagement', 'appleUserEnrollment'));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "managed_device" drop constraint if exists "managed_device_enrollment_type_check";`,
    );
    this.addSql(
      `alter table "managed_device" add constraint "managed_device_enrollment_type_check" check ("enrollment_type" in ('unknown', 'userEnrollment', 'deviceEnrollmentManager', 'appleBulkWithUser', 'appleBulkWithoutUser', 'windowsAzureADJoin', 'windowsBulkUserless', 'windowsAutoEnrollment', 'windowsCoManagement'));`,
    );
  }
}
