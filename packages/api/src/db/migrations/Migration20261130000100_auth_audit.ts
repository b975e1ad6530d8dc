import { Migration } from '@mikro-orm/migrations';

/** API tokens (hashed secrets) and the append-only audit trail. */
export class Migration20261130000100_auth_audit extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "api_token" ("id" uuid not null, "name" varchar(128) not null, "role" text check ("role" in ('ADMIN', 'OPERATOR', 'READER', 'ENROLLER', 'DEVICE')) not null, "secret_hash" varchar(64) not null, "secret_prefix" varchar(16) not null, "user_principal_name" varchar(320) null, "created_date_time" timestamptz not null, "last_used_date_time" timestamptz null, "expires_date_time" timestamptz null, "revoked_date_time" timestamptz null, constraint "api_token_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "api_token" add constraint "api_token_secret_hash_unique" unique ("secret_hash");`,
    );
    this.addSql(`create index "api_token_revoked_date_time_index" on "api_token" ("revoked_date_time");`);
    this.addSql(
      `create table "audit_record" ("id" uuid not null, "occurred_date_time" timestamptz not null, "action" varchar(128) not null, "outcome" text check ("outcome" in ('success', 'refused', 'denied', 'error')) not null, "code" varchar(64) null, "actor_name" varchar(128) null, "actor_token_id" uuid null, "actor_role" text check ("actor_role" in ('ADMIN', 'OPERATOR', 'READER', 'ENROLLER', 'DEVICE')) null, "client_address" varchar(64) null, "target_type" varchar(64) null, "target_id" varchar(128) null, "request_id" varchar(128) null, "details" jsonb not null, constraint "audit_record_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "audit_record_action_index" on "audit_record" ("action");`);
    this.addSql(`create index "audit_record_target_id_index" on "audit_record" ("target_id");`);
    this.addSql(
      `create index "audit_record_occurred_date_time_id_index" on "audit_record" ("occurred_date_time", "id");`,
    );
    // The audit trail is append-only even for someone holding the database credentials of the
    // gateway: updates and deletes raise an error.
    this.addSql(`create function "audit_record_append_only"() returns trigger language plpgsql as $$
      begin raise exception 'audit records are append-only'; end $$;`);
    this.addSql(`create trigger "audit_record_append_only" before update or delete on "audit_record"
      for each row execute function "audit_record_append_only"();`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "audit_record" cascade;');
    this.addSql('drop function if exists "audit_record_append_only"();');
    this.addSql('drop table if exists "api_token" cascade;');
  }
}
