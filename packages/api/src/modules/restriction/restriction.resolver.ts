import { Arg, Ctx, Field, ID, Mutation, ObjectType, Query, Resolver, createUnionType } from 'type-graphql';
import { Roles } from '../auth/roles.decorator.js';
import type { GraphQLContext } from '../../shared/context.js';
import {
  InvalidInputError,
  NotFoundErrorType,
  OperationRefusedError,
  toUserError,
} from '../../shared/graphql/user-error.types.js';
import { READ_ROLES, Role } from '../auth/role.enum.js';
import { EnrollmentRestriction } from './restriction.entity.js';
import { CreateEnrollmentRestrictionInput } from './restriction.input.js';
import type { RestrictionService } from './restriction.service.js';

@ObjectType({ description: 'The restriction was created.' })
export class CreateEnrollmentRestrictionSuccess {
  @Field(() => EnrollmentRestriction)
  restriction!: EnrollmentRestriction;
}

export const CreateEnrollmentRestrictionResult = createUnionType({
  name: 'CreateEnrollmentRestrictionResult',
  types: () =>
    [
      CreateEnrollmentRestrictionSuccess,
      InvalidInputError,
      NotFoundErrorType,
      OperationRefusedError,
    ] as const,
});

@ObjectType({ description: 'The restriction was deleted.' })
export class DeleteEnrollmentRestrictionSuccess {
  @Field(() => ID)
  deletedId!: string;
}

export const DeleteEnrollmentRestrictionResult = createUnionType({
  name: 'DeleteEnrollmentRestrictionResult',
  types: () =>
    [
      DeleteEnrollmentRestrictionSuccess,
      InvalidInputError,
      NotFoundErrorType,
      OperationRefusedError,
    ] as const,
});

@Resolver()
export class RestrictionResolver {
  constructor(private readonly restrictions: RestrictionService) {}

  @Roles(...READ_ROLES)
  @Query(() => [EnrollmentRestriction], {
    description:
      'Enrollment restrictions by kind, then priority (lower wins). Without a DEVICE_LIMIT restriction a user may enroll 5 devices.',
  })
  enrollmentRestrictions(@Ctx() ctx: GraphQLContext): Promise<EnrollmentRestriction[]> {
    return this.restrictions.list(ctx.em);
  }

  @Roles(Role.ADMIN)
  @Mutation(() => CreateEnrollmentRestrictionResult, {
    description: 'Creates a device limit or platform restriction.',
  })
  async createEnrollmentRestriction(
    @Arg('input', () => CreateEnrollmentRestrictionInput) input: CreateEnrollmentRestrictionInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof CreateEnrollmentRestrictionResult> {
    try {
      return Object.assign(new CreateEnrollmentRestrictionSuccess(), {
        restriction: await this.restrictions.create(ctx.em, input),
      });
    } catch (error) {
      return toUserError(error);
    }
  }

  @Roles(Role.ADMIN)
  @Mutation(() => DeleteEnrollmentRestrictionResult, { description: 'Deletes a restriction.' })
  async deleteEnrollmentRestriction(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof DeleteEnrollmentRestrictionResult> {
    try {
      return Object.assign(new DeleteEnrollmentRestrictionSuccess(), {
        deletedId: await this.restrictions.delete(ctx.em, id),
      });
    } catch (error) {
      return toUserError(error);
    }
  }
}
