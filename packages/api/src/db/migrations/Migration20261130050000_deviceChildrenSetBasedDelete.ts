import { Migration } from '@mikro-orm/migrations';

/**
 * A device's certificates and check-in history are deleted by the code that deletes the device,
 * set-based and in the same transaction (modules/device/device.store.ts), instead of by
 * `ON DELETE CASCADE` foreign keys (the lifecycle sweep over 1,000,000 devices under 5 s).
 *
 * Why no foreign key at all: PostgreSQL enforces every foreign key with row triggers on the parent,
 * whatever its action: CASCADE runs one `DELETE` per removed device and key, NO ACTION / RESTRICT
 * one probe per removed device and key, and a DEFERRABLE key the same probes at commit. Measured on
 * the 1,000,000-device benchmark database (100,000 devices removed, docs/performance.md): cascade
 * 1.39 s; NO ACTION after set-based child deletes 0.39 + 1.93 s; deferred 0.59 + 0.49 s + 1.66 s at
 * commit; no key, set-based deletes 0.48 + 0.26 s. Integrity is kept by the two paths that delete
 * devices (the lifecycle sweeper, the `deleteDevice` action) deleting the children first, by the
 * writers of children locking the device row as the foreign key did (check-in), and by tests that
 * look for orphans.
 */
export class Migration20261130050000_deviceChildrenSetBasedDelete extends Migration {
  override async up(): Promise<void> {
    // Rows a concurrent writer may have left without a device cannot exist while the keys are in
    // place; none to clean up.
    this.addSql(
      'alter table "mdm_certificate" drop constraint if exists "mdm_certificate_device_id_foreign";',
    );
    this.addSql(
      'alter table "device_check_in" drop constraint if exists "device_check_in_device_id_foreign";',
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "mdm_certificate" add constraint "mdm_certificate_device_id_foreign" foreign key ("device_id") references "managed_device" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "device_check_in" add constraint "device_check_in_device_id_foreign" foreign key ("device_id") references "managed_device" ("id") on update cascade on delete cascade;`,
    );
  }
}
