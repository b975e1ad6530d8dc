import { Migration } from '@mikro-orm/migrations';

/**
 * A SCEP enrollment completed into a device is one of the device's children, deleted with it by
 * `device_id` (modules/device/device.store.ts). Without this index the `deleteDevice`
 * action's delete of one device's enrollments scans the whole table, which grows by one row per
 * SCEP enrollment.
 */
export class Migration20261203080000_pendingEnrollmentDeviceIndex extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "pending_enrollment_device_id_index" on "pending_enrollment" ("device_id");`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists "pending_enrollment_device_id_index";');
  }
}
