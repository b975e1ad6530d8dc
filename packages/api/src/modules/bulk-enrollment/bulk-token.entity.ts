import { randomUUID } from 'node:crypto';
import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';

/**
 * A Windows bulk enrollment token (the credential inside a provisioning package; seed: Windows
 * "Bulk enroll"). Only its SHA-256 is stored; the secret is shown once, when it is created.
 */
@ObjectType({
  description:
    'A Windows bulk enrollment token (provisioning package credential); the secret itself is never readable again.',
})
@Entity({ tableName: 'bulk_enrollment_token' })
export class BulkEnrollmentToken {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field({ description: 'Name shown to admins, 1-128 characters.' })
  @Property({ type: 'string', length: 128 })
  displayName!: string;

  @Property({ type: 'string', length: 64, unique: true })
  tokenHash!: string;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  createdDateTime!: Date;

  @Field(() => Date, {
    description: 'After this instant the token enrolls nothing (Windows: the package bulk token expires).',
  })
  @Property({ type: 'timestamptz' })
  expiresDateTime!: Date;
}
