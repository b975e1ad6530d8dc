import { Migration } from '@mikro-orm/migrations';

/**
 * The state-changing check-in messages a device channel sent (TokenUpdate, SetBootstrapToken),
 * remembered by digest so that one sent again is recognised as a replay (apple-mdm/
 * message-replay.policy.ts): a few per channel, as these messages are rare.
 */
export class Migration20261203270200_checkInMessageDigests extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "apple_mdm_enrollment" add column "recent_message_digests" text[] not null default '{}';`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('alter table "apple_mdm_enrollment" drop column if exists "recent_message_digests";');
  }
}
