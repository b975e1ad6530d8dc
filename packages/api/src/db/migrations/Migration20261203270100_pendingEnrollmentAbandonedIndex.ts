import { Migration } from '@mikro-orm/migrations';

/**
 * The lifecycle sweep ends SCEP enrollments still pending after PENDING_ENROLLMENT_TTL_HOURS. The
 * partial index holds only pending rows (few: devices between SCEP and their first check-in), so
 * each sweep finds the abandoned ones without reading the table's completed history.
 */
export class Migration20261203270100_pendingEnrollmentAbandonedIndex extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "pending_enrollment_pending_created_index"
      on "pending_enrollment" ("created_date_time") where "status" = 'pending';`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists "pending_enrollment_pending_created_index";');
  }
}
