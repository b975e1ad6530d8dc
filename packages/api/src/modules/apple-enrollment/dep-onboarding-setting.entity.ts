import { randomUUID } from 'node:crypto';
import { Entity, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';

/**
 * The Apple DEP/ADE token of the organisation (Graph `depOnboardingSetting`): which Apple ID
 * created it, when it expires, and the last sync of its device list (ABM imports).
 */
@ObjectType({ description: 'An Apple DEP/ADE token (Graph depOnboardingSetting).' })
@Entity({ tableName: 'dep_onboarding_setting' })
export class DepOnboardingSetting {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field({
    description: 'Graph `appleIdentifier`: the Managed Apple ID that created the token (1-320 characters).',
  })
  @Property({ type: 'string', length: 320 })
  appleIdentifier!: string;

  @Field(() => Date, {
    description: 'Graph `tokenExpirationDateTime`: after it, syncs with this token are refused.',
  })
  @Property({ type: 'timestamptz' })
  tokenExpirationDateTime!: Date;

  @Field(() => Date, {
    nullable: true,
    description: 'Graph `lastSuccessfulSyncDateTime`: the last ABM page applied with this token.',
  })
  @Property({ type: 'timestamptz', nullable: true })
  lastSyncDateTime: Date | null = null;

  @Field(() => Int, {
    description: 'Graph `syncedDeviceCount`: serials in the DEP list after the last sync.',
  })
  @Property({ type: 'integer', default: 0 })
  syncedDeviceCount: number & Opt = 0;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  createdDateTime!: Date;
}
