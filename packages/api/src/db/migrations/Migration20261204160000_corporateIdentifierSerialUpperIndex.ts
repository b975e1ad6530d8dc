import { Migration } from '@mikro-orm/migrations';

/**
 * Serial numbers (SERIAL and WINDOWS identifiers) match ignoring case: an index on
 * `upper(identifier)` lets an import that is small next to the stored identifiers probe it per row
 * instead of hashing every stored identifier of its type. Partial: IMEIs match exactly (the
 * identity index serves them), so the bulk IMEI writes do not maintain it.
 */
export class Migration20261204160000_corporateIdentifierSerialUpperIndex extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index "corporate_identifier_serial_upper_index" on "corporate_identifier" ("identifier_type", upper("identifier")) where "identifier_type" <> 'IMEI';`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists "corporate_identifier_serial_upper_index";');
  }
}
