import {
  Arg,
  Ctx,
  Field,
  ID,
  InputType,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  createUnionType,
} from 'type-graphql';
import { Roles } from './roles.decorator.js';
import type { GraphQLContext } from '../../shared/context.js';
import {
  InvalidInputError,
  NotFoundErrorType,
  OperationRefusedError,
  toUserError,
} from '../../shared/graphql/user-error.types.js';
import { ApiToken } from './api-token.entity.js';
import type { ApiTokenService } from './api-token.service.js';
import { READ_ROLES, Role } from './role.enum.js';

@InputType({ description: 'A new API token.' })
export class CreateApiTokenInput {
  @Field({ description: 'Who or what the token is for, 1-128 characters.' })
  name!: string;

  @Field(() => Role, { description: 'ADMIN, OPERATOR, READER or ENROLLER (DEVICE is not a token role).' })
  role!: Role;

  @Field(() => Date, { nullable: true, description: 'Expiry (UTC, in the future); none when omitted.' })
  expiresDateTime?: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'Make it a user token: BYOD enrollments with it act for this user.',
  })
  userPrincipalName?: string | null;
}

@ObjectType({ description: 'The new token and its secret. The secret is shown only here, once.' })
export class CreateApiTokenSuccess {
  @Field(() => ApiToken)
  token!: ApiToken;

  @Field({
    description:
      'Send as `Authorization: Bearer <secret>` (HTTP) or `{ "authorization": "Bearer <secret>" }` in graphql-ws connection_init.',
  })
  secret!: string;
}

@ObjectType({ description: 'The token was revoked (or already was).' })
export class RevokeApiTokenSuccess {
  @Field(() => ApiToken)
  token!: ApiToken;
}

export const CreateApiTokenResult = createUnionType({
  name: 'CreateApiTokenResult',
  types: () => [CreateApiTokenSuccess, InvalidInputError, OperationRefusedError] as const,
});

export const RevokeApiTokenResult = createUnionType({
  name: 'RevokeApiTokenResult',
  types: () => [RevokeApiTokenSuccess, InvalidInputError, NotFoundErrorType, OperationRefusedError] as const,
});

@ObjectType({ description: 'The caller, as the gateway sees it.' })
export class Viewer {
  @Field({ description: 'Name of the token that authenticated the request.' })
  name!: string;

  @Field(() => Role)
  role!: Role;

  @Field(() => String, { nullable: true })
  userPrincipalName!: string | null;
}

@Resolver()
export class ApiTokenResolver {
  constructor(private readonly tokens: ApiTokenService) {}

  @Roles(...READ_ROLES, Role.ENROLLER)
  @Query(() => Viewer, {
    description: 'Who the presented token belongs to and its role (the dashboard shows actions by role).',
  })
  viewer(@Ctx() ctx: GraphQLContext): Viewer {
    const principal = ctx.principal!;
    return { name: principal.name, role: principal.role, userPrincipalName: principal.userPrincipalName };
  }

  @Roles(Role.ADMIN)
  @Query(() => [ApiToken], { description: 'Every API token, newest first (at most 1,000).' })
  apiTokens(@Ctx() ctx: GraphQLContext): Promise<ApiToken[]> {
    return this.tokens.list(ctx.em);
  }

  @Roles(Role.ADMIN)
  @Mutation(() => CreateApiTokenResult, { description: 'Creates an API token; its secret is returned once.' })
  async createApiToken(
    @Arg('input', () => CreateApiTokenInput) input: CreateApiTokenInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof CreateApiTokenResult> {
    try {
      return Object.assign(new CreateApiTokenSuccess(), await this.tokens.create(ctx.em, input));
    } catch (error) {
      return toUserError(error);
    }
  }

  @Roles(Role.ADMIN)
  @Mutation(() => RevokeApiTokenResult, {
    description: 'Revokes an API token; requests with it are refused from then on.',
  })
  async revokeApiToken(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof RevokeApiTokenResult> {
    try {
      return Object.assign(new RevokeApiTokenSuccess(), { token: await this.tokens.revoke(ctx.em, id) });
    } catch (error) {
      return toUserError(error);
    }
  }
}
