import { Migration } from '@mikro-orm/migrations';

/**
 * The lifecycle sweep without per-certificate writes (a sweep over 1,000,000 devices in
 * under 5 s). `valid`/`expiring`/`expired` are now derived from `not_after` and the clock at read
 * time; the stored status only records revocation. The sweeper keeps, instead of a status per
 * row, a short list of sweep marks (`lifecycle_sweep_state`) (the instant and the transaction snapshot of each sweep), and
 * each certificate records the transaction that created it (`created_xid`), so a sweep can tell
 * exactly which certificates an earlier sweep saw, even when commits and clocks interleave.
 */
export class Migration20261130030000_lifecycleDerivedStatus extends Migration {
  override async up(): Promise<void> {
    // Existing certificates count as created long ago ('3', the first normal xid): every snapshot,
    // including the mark below, sees them, so the first sweep after the upgrade does not repeat
    // the events the old sweeper already published. A constant default adds the column without a rewrite.
    this.addSql(`alter table "mdm_certificate" add column "created_xid" xid8 not null default '3';`);
    this.addSql(`alter table "mdm_certificate" alter column "created_xid" set default pg_current_xact_id();`);
    this.addSql(
      `create index "mdm_certificate_live_created_xid_index" on "mdm_certificate" ("created_xid") where "status" in ('valid', 'expiring');`,
    );
    // One row holding the marks (a short list): a sweep rewrites it, so the row counts of the
    // database do not move when a sweep finds nothing.
    this.addSql(
      `create table "lifecycle_sweep_state" ("id" smallint not null check ("id" = 1), "marks" jsonb not null, constraint "lifecycle_sweep_state_pkey" primary key ("id"));`,
    );
    this.addSql(
      `insert into "lifecycle_sweep_state" ("id", "marks") values (1, jsonb_build_array(jsonb_build_object('sweptAt', to_char(date_trunc('second', now()) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'snapshot', pg_current_snapshot()::text)));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "lifecycle_sweep_state";');
    this.addSql('drop index if exists "mdm_certificate_live_created_xid_index";');
    this.addSql('alter table "mdm_certificate" drop column if exists "created_xid";');
  }
}
