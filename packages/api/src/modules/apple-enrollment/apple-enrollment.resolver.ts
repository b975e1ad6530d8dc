import {
  Arg,
  Ctx,
  Field,
  ID,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  createUnionType,
} from 'type-graphql';
import { Roles } from '../auth/roles.decorator.js';
import type { GraphQLContext } from '../../shared/context.js';
import {
  InvalidInputError,
  NotFoundErrorType,
  OperationRefusedError,
  toUserError,
} from '../../shared/graphql/user-error.types.js';
import { OPERATE_ROLES, READ_ROLES, Role } from '../auth/role.enum.js';
import {
  AssignAppleEnrollmentProfileInput,
  CreateAppleEnrollmentProfileInput,
} from './apple-enrollment.input.js';
import type { AppleEnrollmentService } from './apple-enrollment.service.js';
import { DepOnboardingSetting } from './dep-onboarding-setting.entity.js';
import { AppleEnrollmentProfile } from './enrollment-profile.entity.js';

@ObjectType({ description: 'The profile was created.' })
export class CreateAppleEnrollmentProfileSuccess {
  @Field(() => AppleEnrollmentProfile)
  profile!: AppleEnrollmentProfile;
}

export const CreateAppleEnrollmentProfileResult = createUnionType({
  name: 'CreateAppleEnrollmentProfileResult',
  types: () =>
    [
      CreateAppleEnrollmentProfileSuccess,
      InvalidInputError,
      NotFoundErrorType,
      OperationRefusedError,
    ] as const,
});

@ObjectType({ description: 'The profile was assigned to the serials.' })
export class AssignAppleEnrollmentProfileSuccess {
  @Field(() => Int, { description: 'Serials now carrying the profile.' })
  assignedCount!: number;
}

export const AssignAppleEnrollmentProfileResult = createUnionType({
  name: 'AssignAppleEnrollmentProfileResult',
  types: () =>
    [
      AssignAppleEnrollmentProfileSuccess,
      InvalidInputError,
      NotFoundErrorType,
      OperationRefusedError,
    ] as const,
});

@ObjectType({
  description:
    'A Configurator profile export: USB-SA → enrollment URL; USB-Direct → .mobileconfig valid two weeks.',
})
export class ExportAppleEnrollmentProfileSuccess {
  @Field(() => AppleEnrollmentProfile)
  profile!: AppleEnrollmentProfile;

  @Field(() => String, {
    nullable: true,
    description:
      'USB-SA: the enrollment URL to give Apple Configurator; the prepared device posts its MachineInfo there and receives its signed enrollment profile.',
  })
  enrollmentUrl!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'USB-Direct: the enrollment profile (.mobileconfig, XML property list: SCEP identity with a challenge valid until `expiresDateTime`, MDM payload, CA) to load into Apple Configurator.',
  })
  mobileconfig!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'USB-Direct: URL serving the same enrollment profile signed (`application/x-apple-aspen-config`) until `expiresDateTime`.',
  })
  profileUrl!: string | null;

  @Field({
    description:
      'The secret inside the export; a USB-Direct device presents it as `profileExportToken`. Shown only now.',
  })
  token!: string;

  @Field(() => Date)
  exportedDateTime!: Date;

  @Field(() => Date, {
    nullable: true,
    description:
      'USB-Direct: two weeks after export; enrollment with the export is refused afterwards. Null for USB-SA.',
  })
  expiresDateTime!: Date | null;
}

export const ExportAppleEnrollmentProfileResult = createUnionType({
  name: 'ExportAppleEnrollmentProfileResult',
  types: () =>
    [
      ExportAppleEnrollmentProfileSuccess,
      InvalidInputError,
      NotFoundErrorType,
      OperationRefusedError,
    ] as const,
});

@ObjectType({ description: 'The DEP token was registered.' })
export class CreateDepOnboardingSettingSuccess {
  @Field(() => DepOnboardingSetting)
  depOnboardingSetting!: DepOnboardingSetting;
}

export const CreateDepOnboardingSettingResult = createUnionType({
  name: 'CreateDepOnboardingSettingResult',
  types: () =>
    [CreateDepOnboardingSettingSuccess, InvalidInputError, NotFoundErrorType, OperationRefusedError] as const,
});

@Resolver()
export class AppleEnrollmentResolver {
  constructor(private readonly apple: AppleEnrollmentService) {}

  @Roles(...READ_ROLES)
  @Query(() => [AppleEnrollmentProfile], {
    description: 'Apple enrollment profiles (DEP, USB-SA, USB-Direct), oldest first.',
  })
  appleEnrollmentProfiles(@Ctx() ctx: GraphQLContext): Promise<AppleEnrollmentProfile[]> {
    return this.apple.list(ctx.em);
  }

  @Roles(...READ_ROLES)
  @Query(() => [DepOnboardingSetting], { description: "The organisation's Apple DEP tokens, oldest first." })
  depOnboardingSettings(@Ctx() ctx: GraphQLContext): Promise<DepOnboardingSetting[]> {
    return this.apple.depTokens(ctx.em);
  }

  @Roles(Role.ADMIN)
  @Mutation(() => CreateDepOnboardingSettingResult, {
    description: 'Registers an Apple DEP token: the Managed Apple ID and the token expiry (in the future).',
  })
  async createDepOnboardingSetting(
    @Arg('appleIdentifier') appleIdentifier: string,
    @Arg('tokenExpirationDateTime', () => Date) tokenExpirationDateTime: Date,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof CreateDepOnboardingSettingResult> {
    try {
      return Object.assign(new CreateDepOnboardingSettingSuccess(), {
        depOnboardingSetting: await this.apple.createDepToken(
          ctx.em,
          appleIdentifier,
          tokenExpirationDateTime,
        ),
      });
    } catch (error) {
      return toUserError(error);
    }
  }

  @Roles(Role.ADMIN)
  @Mutation(() => CreateAppleEnrollmentProfileResult, {
    description:
      'Creates an Apple enrollment profile; its settings decide the OPTIONAL cells of Intune’s enrollment tables (affinity, locked).',
  })
  async createAppleEnrollmentProfile(
    @Arg('input', () => CreateAppleEnrollmentProfileInput) input: CreateAppleEnrollmentProfileInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof CreateAppleEnrollmentProfileResult> {
    try {
      return Object.assign(new CreateAppleEnrollmentProfileSuccess(), {
        profile: await this.apple.createProfile(ctx.em, input),
      });
    } catch (error) {
      return toUserError(error);
    }
  }

  @Roles(...OPERATE_ROLES)
  @Mutation(() => AssignAppleEnrollmentProfileResult, {
    description:
      'Assigns a DEP profile to DEP serials, or a USB-SA profile to Configurator serials; every serial must be listed.',
  })
  async assignAppleEnrollmentProfile(
    @Arg('input', () => AssignAppleEnrollmentProfileInput) input: AssignAppleEnrollmentProfileInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof AssignAppleEnrollmentProfileResult> {
    try {
      return Object.assign(new AssignAppleEnrollmentProfileSuccess(), {
        assignedCount: await this.apple.assignProfile(ctx.em, input),
      });
    } catch (error) {
      return toUserError(error);
    }
  }

  @Roles(...OPERATE_ROLES)
  @Mutation(() => ExportAppleEnrollmentProfileResult, {
    description:
      'Exports a USB-SA profile (enrollment URL) or a USB-Direct profile (.mobileconfig valid two weeks).',
  })
  async exportAppleEnrollmentProfile(
    @Arg('profileId', () => ID) profileId: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof ExportAppleEnrollmentProfileResult> {
    try {
      return Object.assign(
        new ExportAppleEnrollmentProfileSuccess(),
        await this.apple.exportProfile(ctx.em, profileId),
      );
    } catch (error) {
      return toUserError(error);
    }
  }
}
