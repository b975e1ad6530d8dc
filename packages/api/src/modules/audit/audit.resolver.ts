import { Arg, Ctx, Field, ID, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { Roles } from '../auth/roles.decorator.js';
import type { GraphQLContext } from '../../shared/context.js';
import { Role } from '../auth/role.enum.js';
import { AuditOutcome, AuditRecord } from './audit-record.entity.js';
import type { AuditService } from './audit.service.js';

@ObjectType({ description: 'A page of audit records, newest first.' })
export class AuditRecordPage {
  @Field(() => [AuditRecord])
  nodes!: AuditRecord[];

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page.' })
  endCursor!: string | null;

  @Field()
  hasNextPage!: boolean;

  @Field(() => Int)
  totalCount!: number;
}

@Resolver()
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @Roles(Role.ADMIN)
  @Query(() => AuditRecordPage, {
    description: 'The audit trail (admins only), newest first; read-only by design.',
  })
  auditRecords(
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true, description: 'Page size 1-500; default 50.' }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('action', () => String, { nullable: true, description: 'Only this operation, e.g. `enrollDevice`.' })
    action?: string,
    @Arg('targetId', () => ID, { nullable: true, description: 'Only records about this object.' })
    targetId?: string,
    @Arg('outcome', () => AuditOutcome, { nullable: true }) outcome?: AuditOutcome,
    @Arg('actorTokenId', () => ID, { nullable: true, description: 'Only what this API token did.' })
    actorTokenId?: string,
  ): Promise<AuditRecordPage> {
    return this.audit.list(ctx.em, { first, after, action, targetId, outcome, actorTokenId });
  }
}
