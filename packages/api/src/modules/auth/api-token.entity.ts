import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, PrimaryKey, Property, Unique, type Opt } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Role } from './role.enum.js';

/**
 * An API token: a random secret shown once at creation and stored only as its SHA-256 hash
 * (the secret has 256 bits of entropy, so a fast hash is enough; no password stretching needed).
 */
@ObjectType({ description: 'An API token (its secret is never stored nor shown again after creation).' })
@Entity({ tableName: 'api_token' })
export class ApiToken {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field({ description: 'Who or what the token is for, 1-128 characters.' })
  @Property({ type: 'string', length: 128 })
  name!: string;

  @Field(() => Role)
  @Enum({ items: () => Role })
  role!: Role;

  /** Hex SHA-256 of the secret; lookups are by this hash. */
  @Property({ type: 'string', length: 64 })
  @Unique()
  secretHash!: string;

  @Field({ description: 'First characters of the secret, to recognise a token without revealing it.' })
  @Property({ type: 'string', length: 16 })
  secretPrefix!: string;

  @Field(() => String, {
    nullable: true,
    description: 'A user token: enrollments made with it act for this user principal name (BYOD).',
  })
  @Property({ type: 'string', length: 320, nullable: true })
  userPrincipalName: string | null = null;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  createdDateTime!: Date;

  @Field(() => Date, { nullable: true, description: 'Last use, updated at most once a minute.' })
  @Property({ type: 'timestamptz', nullable: true })
  lastUsedDateTime: (Date & Opt) | null = null;

  @Field(() => Date, {
    nullable: true,
    description: 'After this instant the token is refused; null: no expiry.',
  })
  @Property({ type: 'timestamptz', nullable: true })
  expiresDateTime: Date | null = null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  @Index()
  revokedDateTime: (Date & Opt) | null = null;
}
