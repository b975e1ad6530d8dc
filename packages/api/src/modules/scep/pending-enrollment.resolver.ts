import { Roles } from '../auth/roles.decorator.js';
import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../shared/context.js';
import { READ_ROLES } from '../auth/role.enum.js';
import { EnrollmentMethodKind } from '../catalog/enrollment-method-kind.enum.js';
import { DevicePlatform } from '../catalog/platform.enum.js';
import { MdmCertificate } from '../certificate/mdm-certificate.entity.js';
import { ManagedDevice } from '../device/device.entity.js';
import { ManagedDeviceOwnerType } from '../device/device.enums.js';
import { EnrollmentInvitation } from '../enrollment-profile/enrollment-invitation.entity.js';
import { User } from '../user/user.entity.js';
import { PendingEnrollment, PendingEnrollmentStatus } from './pending-enrollment.entity.js';
import type { PendingEnrollmentService } from './pending-enrollment.service.js';

@Resolver(() => PendingEnrollment)
export class PendingEnrollmentResolver {
  constructor(private readonly pending: PendingEnrollmentService) {}

  @Roles(...READ_ROLES)
  @Query(() => [PendingEnrollment], {
    description:
      'Certificates issued over SCEP, newest first (at most 500): `pending` until the device checks in, then `completed` or `refused`.',
  })
  async pendingEnrollments(
    @Arg('status', () => PendingEnrollmentStatus, {
      nullable: true,
      description: 'Only this status; all when null.',
    })
    status: PendingEnrollmentStatus | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PendingEnrollment[]> {
    return this.pending.list(ctx.em, status ?? null);
  }

  @FieldResolver(() => MdmCertificate, { description: 'The MDM certificate issued over SCEP.' })
  async certificate(@Root() pending: PendingEnrollment): Promise<MdmCertificate> {
    return pending.certificate.load() as Promise<MdmCertificate>;
  }

  @FieldResolver(() => EnrollmentInvitation, { description: 'The invitation whose challenge obtained it.' })
  async invitation(@Root() pending: PendingEnrollment): Promise<EnrollmentInvitation> {
    return pending.invitation.load() as Promise<EnrollmentInvitation>;
  }

  @FieldResolver(() => DevicePlatform)
  async platform(@Root() pending: PendingEnrollment): Promise<DevicePlatform> {
    return (await this.invitationOf(pending)).platform;
  }

  @FieldResolver(() => EnrollmentMethodKind, { description: 'The method the invitation was minted for.' })
  async method(@Root() pending: PendingEnrollment): Promise<EnrollmentMethodKind> {
    return (await this.invitationOf(pending)).method;
  }

  @FieldResolver(() => ManagedDeviceOwnerType, { description: 'The ownership the organisation intends.' })
  async ownershipIntent(@Root() pending: PendingEnrollment): Promise<ManagedDeviceOwnerType> {
    return (await this.invitationOf(pending)).ownershipIntent;
  }

  @FieldResolver(() => User, { nullable: true, description: 'The user the device becomes affine to (BYOD).' })
  async user(@Root() pending: PendingEnrollment): Promise<User | null> {
    const invitation = await this.invitationOf(pending);
    return invitation.user ? invitation.user.load() : null;
  }

  @FieldResolver(() => User, { nullable: true, description: 'The device enrollment manager account (DEM).' })
  async enrollmentManager(@Root() pending: PendingEnrollment): Promise<User | null> {
    const invitation = await this.invitationOf(pending);
    return invitation.enrollmentManager ? invitation.enrollmentManager.load() : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'DEP / USB-SA: the serial number of the MachineInfo.',
  })
  async serialNumber(@Root() pending: PendingEnrollment): Promise<string | null> {
    return (await this.invitationOf(pending)).serialNumber;
  }

  @FieldResolver(() => ManagedDevice, {
    nullable: true,
    description: 'The device, once the enrollment completed.',
  })
  async device(@Root() pending: PendingEnrollment): Promise<ManagedDevice | null> {
    return pending.device ? pending.device.load() : null;
  }

  private async invitationOf(pending: PendingEnrollment): Promise<EnrollmentInvitation> {
    return (await pending.invitation.load()) as EnrollmentInvitation;
  }
}
