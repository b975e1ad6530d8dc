import { Migration } from '@mikro-orm/migrations';

/**
 * A device's commands are delivered in the order they were queued, also when several share one
 * queued time (queued in one transaction, or on a clock of coarse resolution): `queue_order` is a
 * sequence number the database assigns at insert. Existing commands are numbered in queued order.
 */
export class Migration20261203290000_mdmCommandQueueOrder extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create sequence "mdm_command_queue_order_seq";`);
    this.addSql(`alter table "mdm_command" add column "queue_order" bigint null;`);
    this.addSql(
      `update "mdm_command" m set "queue_order" = o.n from (
         select "id", nextval('mdm_command_queue_order_seq') as n from (
           select "id" from "mdm_command" order by "queued_date_time", "id") ordered) o
       where m."id" = o."id";`,
    );
    this.addSql(
      `alter table "mdm_command" alter column "queue_order" set default nextval('mdm_command_queue_order_seq'), alter column "queue_order" set not null;`,
    );
    this.addSql(`alter sequence "mdm_command_queue_order_seq" owned by "mdm_command"."queue_order";`);
  }

  override async down(): Promise<void> {
    this.addSql('alter table "mdm_command" drop column if exists "queue_order";');
  }
}
