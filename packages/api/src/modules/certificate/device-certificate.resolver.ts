import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../shared/context.js';
import { ManagedDevice } from '../device/device.entity.js';
import { preloadedCertificateOf } from '../device/device.store.js';
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
  mdmCertificate(
    @Root() device: ManagedDevice,
    @Ctx() ctx: GraphQLContext,
  ): MdmCertificate | null | Promise<MdmCertificate | null> {
    // A page that read the current certificate with its devices (DeviceStore.page) needs no load.
    const preloaded = preloadedCertificateOf(device);
    if (preloaded !== undefined) return preloaded;
    return this.certificates
      .for(ctx, ctx.em)
      .load(device.id)
      .then((all) => all.find((c) => c.supersededById === null) ?? null);
  }

  @FieldResolver(() => [MdmCertificate], {
    description:
      'Every MDM certificate issued to the device, newest first (as the mdmCertificates query). Read with the other devices of the page in one statement.',
  })
  mdmCertificates(@Root() device: ManagedDevice, @Ctx() ctx: GraphQLContext): Promise<MdmCertificate[]> {
    return this.certificates.for(ctx, ctx.em).load(device.id);
  }
}
