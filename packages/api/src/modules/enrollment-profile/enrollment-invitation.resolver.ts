import { Roles } from '../auth/roles.decorator.js';
import QRCode from 'qrcode';
import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  Mutation,
  ObjectType,
  Resolver,
  Root,
  createUnionType,
} from 'type-graphql';
import type { GraphQLContext } from '../../shared/context.js';
import {
  InvalidInputError,
  NotFoundErrorType,
  OperationRefusedError,
  toUserError,
} from '../../shared/graphql/user-error.types.js';
import { READ_ROLES, Role } from '../auth/role.enum.js';
import { User } from '../user/user.entity.js';
import { EnrollmentInvitation } from './enrollment-invitation.entity.js';
import { CreateEnrollmentInvitationInput } from './enrollment-invitation.input.js';
import type { EnrollmentInvitationService } from './enrollment-invitation.service.js';

@ObjectType({
  description:
    'The invitation was created; its link (and the challenge inside the profile) is shown only now.',
})
export class CreateEnrollmentInvitationSuccess {
  @Field(() => EnrollmentInvitation)
  invitation!: EnrollmentInvitation;

  @Field({
    description:
      'The profile URL: opened on the device (Safari on iOS, any browser on macOS), it downloads the signed enrollment profile (`application/x-apple-aspen-config`).',
  })
  profileUrl!: string;

  @Field(() => Date, { description: 'When the link and its challenge expire (UTC).' })
  expiresDateTime!: Date;

  @Field({ description: 'A QR code of `profileUrl`, as an SVG data URL (`data:image/svg+xml;base64,…`).' })
  qrCodeDataUrl!: string;
}

export const CreateEnrollmentInvitationResult = createUnionType({
  name: 'CreateEnrollmentInvitationResult',
  types: () =>
    [CreateEnrollmentInvitationSuccess, InvalidInputError, NotFoundErrorType, OperationRefusedError] as const,
});

/** Who asked (user principal name or token name), as other admin records name it. */
const createdBy = (ctx: GraphQLContext): string | null =>
  ctx.principal?.userPrincipalName ?? ctx.principal?.name ?? null;

@Resolver(() => EnrollmentInvitation)
export class EnrollmentInvitationResolver {
  constructor(private readonly invitations: EnrollmentInvitationService) {}

  @Roles(Role.ADMIN)
  @Mutation(() => CreateEnrollmentInvitationResult, {
    description:
      'Creates a one-time enrollment link for an iPhone, iPad or Mac: BYOD for a user, or DEM for a device enrollment manager account. The device opens `profileUrl`, installs the signed profile, and obtains its MDM certificate over SCEP with the challenge inside (single use, expires with the link).',
  })
  async createEnrollmentInvitation(
    @Arg('input', () => CreateEnrollmentInvitationInput) input: CreateEnrollmentInvitationInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof CreateEnrollmentInvitationResult> {
    try {
      const minted = await this.invitations.create(ctx.em, input, createdBy(ctx));
      const svg = await QRCode.toString(minted.profileUrl, { type: 'svg', errorCorrectionLevel: 'M' });
      return Object.assign(new CreateEnrollmentInvitationSuccess(), {
        invitation: minted.invitation,
        profileUrl: minted.profileUrl,
        expiresDateTime: minted.invitation.expiresDateTime,
        qrCodeDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
      });
    } catch (error) {
      return toUserError(error);
    }
  }

  @Roles(...READ_ROLES)
  @FieldResolver(() => User, { nullable: true, description: 'The user the device becomes affine to (BYOD).' })
  async user(@Root() invitation: EnrollmentInvitation): Promise<User | null> {
    return invitation.user ? invitation.user.load() : null;
  }

  @Roles(...READ_ROLES)
  @FieldResolver(() => User, { nullable: true, description: 'The device enrollment manager account (DEM).' })
  async enrollmentManager(@Root() invitation: EnrollmentInvitation): Promise<User | null> {
    return invitation.enrollmentManager ? invitation.enrollmentManager.load() : null;
  }
}
