import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Role } from '../auth/role.enum.js';

/** How an audited attempt ended. */
export enum AuditOutcome {
  /** The operation did what was asked. */
  success = 'success',
  /** A domain rule or validation refused it (a typed error result); nothing was changed. */
  refused = 'refused',
  /** Authentication or authorization refused it. */
  denied = 'denied',
  /** It failed unexpectedly. */
  error = 'error',
}
registerEnumType(AuditOutcome, { name: 'AuditOutcome', description: 'How an audited attempt ended.' });

/**
 * One audited attempt: who, what, when, on what, and how it ended. Append-only: the API has no
 * operation that changes it, and a database trigger refuses UPDATE and DELETE.
 */
@ObjectType({ description: 'An append-only audit record of an action or refused attempt.' })
@Entity({ tableName: 'audit_record' })
@Index({ properties: ['occurredDateTime', 'id'] })
export class AuditRecord {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  occurredDateTime!: Date;

  @Field({ description: 'Operation, e.g. `enrollDevice`, `retireDevice`, `subscribe:deviceCheckedIn`.' })
  @Property({ type: 'string', length: 128 })
  @Index()
  action!: string;

  @Field(() => AuditOutcome)
  @Enum({ items: () => AuditOutcome })
  outcome!: AuditOutcome;

  @Field(() => String, { nullable: true, description: 'Error code of a refused, denied or failed attempt.' })
  @Property({ type: 'string', length: 64, nullable: true })
  code: string | null = null;

  @Field(() => String, {
    nullable: true,
    description: 'Name of the API token used; null for anonymous callers (devices).',
  })
  @Property({ type: 'string', length: 128, nullable: true })
  actorName: string | null = null;

  @Field(() => ID, { nullable: true })
  @Property({ type: 'uuid', nullable: true })
  actorTokenId: string | null = null;

  @Field(() => Role, { nullable: true })
  @Enum({ items: () => Role, nullable: true })
  actorRole: Role | null = null;

  @Field(() => String, { nullable: true, description: 'Client address of the request.' })
  @Property({ type: 'string', length: 64, nullable: true })
  clientAddress: string | null = null;

  @Field(() => String, { nullable: true, description: 'Kind of the object acted on, e.g. `ManagedDevice`.' })
  @Property({ type: 'string', length: 64, nullable: true })
  targetType: string | null = null;

  @Field(() => String, { nullable: true, description: 'Id of the object acted on.' })
  @Property({ type: 'string', length: 128, nullable: true })
  @Index()
  targetId: string | null = null;

  @Field(() => String, { nullable: true, description: 'Request id, as in the log and the response header.' })
  @Property({ type: 'string', length: 128, nullable: true })
  requestId: string | null = null;

  @Field(() => GraphQLJSONObject, {
    description: 'Arguments of the attempt with secrets and file contents removed.',
  })
  @Property({ type: 'jsonb' })
  details: Record<string, unknown> = {};
}
