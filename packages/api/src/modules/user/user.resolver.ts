import { Arg, Ctx, Field, Mutation, ObjectType, Resolver, createUnionType } from 'type-graphql';
import { Roles } from '../auth/roles.decorator.js';
import type { GraphQLContext } from '../../shared/context.js';
import {
  InvalidInputError,
  NotFoundErrorType,
  OperationRefusedError,
  toUserError,
} from '../../shared/graphql/user-error.types.js';
import { Role } from '../auth/role.enum.js';
import { User } from './user.entity.js';
import type { UserService } from './user.service.js';

@ObjectType({ description: 'The user as updated.' })
export class UpdateUserSuccess {
  @Field(() => User)
  user!: User;
}

export const UpdateUserResult = createUnionType({
  name: 'UpdateUserResult',
  types: () => [UpdateUserSuccess, InvalidInputError, NotFoundErrorType, OperationRefusedError] as const,
});

/** Wraps a user update in its typed result. */
async function update(run: () => Promise<User>): Promise<typeof UpdateUserResult> {
  try {
    return Object.assign(new UpdateUserSuccess(), { user: await run() });
  } catch (error) {
    return toUserError(error);
  }
}

@Resolver()
export class UserResolver {
  constructor(private readonly users: UserService) {}

  @Roles(Role.ADMIN)
  @Mutation(() => UpdateUserResult, {
    description:
      'Marks or unmarks an account as device enrollment manager (created if unknown). At most 150 DEM accounts (DEM_NOT_ALLOWED beyond).',
  })
  setDeviceEnrollmentManager(
    @Arg('userPrincipalName') userPrincipalName: string,
    @Arg('enabled', () => Boolean) enabled: boolean,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof UpdateUserResult> {
    return update(() => this.users.setDeviceEnrollmentManager(ctx.em, userPrincipalName, enabled));
  }

  @Roles(Role.ADMIN)
  @Mutation(() => UpdateUserResult, {
    description:
      "Replaces the user's group memberships (targets of enrollment restrictions); at most 100 names of 1-128 characters.",
  })
  setUserGroups(
    @Arg('userPrincipalName') userPrincipalName: string,
    @Arg('groups', () => [String]) groups: string[],
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof UpdateUserResult> {
    return update(() => this.users.setGroups(ctx.em, userPrincipalName, groups));
  }
}
