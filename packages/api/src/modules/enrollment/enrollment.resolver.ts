import { Arg, Ctx, Field, Mutation, ObjectType, Resolver, createUnionType } from 'type-graphql';
import { Roles } from '../auth/roles.decorator.js';
import { ENROLL_ROLES } from '../auth/role.enum.js';
import type { GraphQLContext } from '../../shared/context.js';
import {
  InvalidInputError,
  NotFoundErrorType,
  OperationRefusedError,
  toUserError,
} from '../../shared/graphql/user-error.types.js';
import { MdmCertificate } from '../certificate/mdm-certificate.entity.js';
import { ManagedDevice } from '../device/device.entity.js';
import { ManagementState } from '../device/device.enums.js';
import { EnrollDeviceInput } from './enrollment.input.js';
import type { EnrollmentOutcome, EnrollmentService } from './enrollment.service.js';

@ObjectType({ description: 'The device was enrolled (or its existing record re-enrolled).' })
export class EnrollDeviceSuccess {
  @Field(() => ManagedDevice)
  device!: ManagedDevice;

  @Field(() => MdmCertificate, {
    description: 'The MDM certificate issued by this enrollment (Intune: "it is issued an MDM certificate").',
  })
  certificate!: MdmCertificate;

  @Field(() => String, {
    nullable: true,
    description:
      'PKCS#8 PEM private key of the certificate, returned this once when no CSR was sent; never stored. Null with a CSR.',
  })
  privateKeyPem!: string | null;

  @Field({
    description:
      'Device token for HMAC check-ins, bound to this certificate (returned this once; docs/certificates.md).',
  })
  deviceToken!: string;

  @Field({
    description:
      'True when this hardware (serial number or IMEI) already had a device record, which this enrollment reused (re-enrollment reuses the record; its previous certificate is revoked and its pending actions cancelled). False for a new record.',
  })
  reenrolled!: boolean;

  @Field(() => ManagementState, {
    nullable: true,
    description:
      "The reused record's management state before this enrollment (managed when an active device enrolled again); null for a new record.",
  })
  previousManagementState!: ManagementState | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The user the reused record belonged to before this enrollment; null for a new record or a userless one, and null for a caller that may not learn another user's name (ENROLLER and user tokens see it only when it is the enrollment's own user). When it differs from device.userPrincipalName, the hardware changed hands.",
  })
  previousUserPrincipalName!: string | null;
}

/** The GraphQL success payload of one enrollment: the device and the credential issued to it. */
export function toEnrollDeviceSuccess({
  device,
  credential,
  previous,
}: EnrollmentOutcome): EnrollDeviceSuccess {
  return Object.assign(new EnrollDeviceSuccess(), {
    device,
    certificate: credential.certificate,
    privateKeyPem: credential.privateKeyPem ?? null,
    deviceToken: credential.deviceToken,
    reenrolled: Boolean(previous),
    previousManagementState: previous?.managementState ?? null,
    previousUserPrincipalName: previous?.userPrincipalName ?? null,
  });
}

export const EnrollDeviceResult = createUnionType({
  name: 'EnrollDeviceResult',
  description: 'The enrolled device, or why it was not enrolled (nothing is written then).',
  types: () => [EnrollDeviceSuccess, InvalidInputError, NotFoundErrorType, OperationRefusedError] as const,
});

@Resolver()
export class EnrollmentResolver {
  constructor(private readonly enrollment: EnrollmentService) {}

  @Roles(...ENROLL_ROLES)
  @Mutation(() => EnrollDeviceResult, {
    description:
      "Enrolls a device with a method of its platform's enrollment table (Intune). Refusals (unknown method for the platform, user affinity broken, bad identifiers) are typed results.",
  })
  async enrollDevice(
    @Arg('input', () => EnrollDeviceInput) input: EnrollDeviceInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof EnrollDeviceResult> {
    try {
      return toEnrollDeviceSuccess(await this.enrollment.enroll(ctx.em, input, ctx.principal));
    } catch (error) {
      return toUserError(error);
    }
  }
}
