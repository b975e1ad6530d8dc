import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../shared/context.js';
import { ManagedDevice } from '../device/device.entity.js';
import type { DeviceCertificatesLoader } from './device-certificates.loader.js';
import { MdmCertificate } from './mdm-certificate.entity.js';

/** A device's MDM certificates as fields of the device, batched per request (DeviceCertificatesLoader). */
@Resolver(() => ManagedDevice)
export class DeviceCertificateResolver {
  constructor(private readonly certificates: DeviceCertificatesLoader) {}

  @FieldResolver(() => MdmCertificate, {
    nullable: true,
    description:
      'The current MDM certificate (the one not superseded by a renewal or re-enrollment); null before one was issued. Read with the other devices of the page in one statement.',
  })
  async mdmCertificate(
    @Root() device: ManagedDevice,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MdmCertificate | null> {
    const all = await this.certificates.for(ctx, ctx.em).byDevice.load(device.id);
    return all.find((c) => c.supersededById === null) ?? null;
  }

  @FieldResolver(() => [MdmCertificate], {
    description:
      'Every MDM certificate issued to the device, newest first (as the mdmCertificates query). Read with the other devices of the page in one statement.',
  })
  mdmCertificates(@Root() device: ManagedDevice, @Ctx() ctx: GraphQLContext): Promise<MdmCertificate[]> {
    return this.certificates.for(ctx, ctx.em).byDevice.load(device.id);
  }
}

/** The PEM of a certificate read through a device's fields, which leave it out until asked for. */
@Resolver(() => MdmCertificate)
export class MdmCertificatePemResolver {
  constructor(private readonly certificates: DeviceCertificatesLoader) {}

  @FieldResolver(() => String, { description: 'The certificate, PEM-encoded.' })
  pem(@Root() certificate: MdmCertificate, @Ctx() ctx: GraphQLContext): string | Promise<string> {
    return certificate.pem !== undefined
      ? certificate.pem
      : this.certificates.pemOf(ctx, ctx.em, certificate);
  }
}
