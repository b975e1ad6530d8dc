import { randomUUID } from 'node:crypto';
import { Entity, PrimaryKey, Property, Unique, type Opt } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';

/**
 * A person devices can be affine to (seed: "User Affinity: associates each device with a user").
 * Users are provisioned just in time, the first time an enrollment names their UPN, the way a
 * directory-backed MDM sees a user on first sign-in.
 */
// simpleResolvers: plain properties, read directly by graphql-js (see ManagedDevice).
@ObjectType({
  description: 'A user that enrolled or owns devices (Graph `user`, reduced to what enrollment needs).',
  simpleResolvers: true,
})
@Entity({ tableName: 'app_user' })
export class User {
  @Field(() => ID, { description: 'User id (UUID).' })
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field({ description: 'User principal name (sign-in name), stored in lower case; unique.' })
  @Property({ type: 'string', length: 320 })
  @Unique()
  userPrincipalName!: string;

  @Field({ description: "Display name; defaults to the UPN's local part." })
  @Property({ type: 'string', length: 256 })
  displayName!: string;

  @Field(() => Date, { description: 'When the user was first seen by the gateway (UTC).' })
  @Property({ type: 'timestamptz' })
  createdDateTime!: Date & Opt;

  /**
   * Seed "Device enrollment manager": a special account that enrolls many userless corporate
   * devices. Set by an admin (setDeviceEnrollmentManager); at most 150 per tenant.
   */
  @Field(() => Boolean, {
    description:
      'Whether this account is a device enrollment manager (Intune: Device enrollment manager). Default false.',
  })
  @Property({ type: 'boolean', default: false })
  isDeviceEnrollmentManager: boolean & Opt = false;

  /** Directory groups the user belongs to; enrollment restrictions target groups by name. */
  @Field(() => [String], {
    description:
      'Names of the user groups this user belongs to (enrollment restrictions target them). Default empty.',
  })
  @Property({ type: 'text[]', default: '{}' })
  groups: string[] & Opt = [];
}
