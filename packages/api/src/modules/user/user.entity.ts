import { randomUUID } from 'node:crypto';
import { Entity, PrimaryKey, Property, Unique, type Opt } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';

/**
 * A person devices can be affine to (seed: "User Affinity: associates each device with a user").
 * Users are provisioned just in time, the first time an enrollment names their UPN, the way a
 * directory-backed MDM sees a user on first sign-in.
 */
@ObjectType({ description: 'A user that enrolled or owns devices (Graph `user`, reduced to what enrollment needs).' })
@Entity({ tableName: 'app_user' })
export class User {
  @Field(() => ID, { description: 'User id (UUID).' })
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field({ description: 'User principal name (sign-in name), stored in lower case; unique.' })
  @Property({ type: 'string', length: 320 })
  @Unique()
  userPrincipalName!: string;

  @Field({ description: 'Display name; defaults to the UPN\'s local part.' })
  @Property({ type: 'string', length: 256 })
  displayName!: string;

  @Field(() => Date, { description: 'When the user was first seen by the gateway (UTC).' })
  @Property({ type: 'timestamptz' })
  createdDateTime!: Date & Opt;
}
