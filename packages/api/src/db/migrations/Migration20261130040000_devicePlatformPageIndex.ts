import { Migration } from '@mikro-orm/migrations';

/**
 * Reads: a page of devices filtered by platform, in enrollment order. Without this index
 * PostgreSQL walks `(enrolled_date_time, id)` past every device of the other platforms, or scans
 * the table and sorts, and counts by scanning the table (EXPLAIN ANALYZE, 22,142 devices of which
 * 1,006 Windows: page 22 ms, count 1.7 ms); with it both read only the platform's entries
 * (0.2 ms, 0.13 ms). Platform never changes after enrollment, so check-ins keep their HOT updates.
 */
export class Migration20261130040000_devicePlatformPageIndex extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index "managed_device_platform_enrolled_date_time_id_index" on "managed_device" ("platform", "enrolled_date_time", "id");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists "managed_device_platform_enrolled_date_time_id_index";');
  }
}
