import { Arg, Ctx, Field, ID, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import { Roles } from '../auth/roles.decorator.js';
import type { GraphQLContext } from '../../shared/context.js';
import { READ_ROLES } from '../auth/role.enum.js';
import type { CertificateService } from './certificate.service.js';
import { MdmCertificate } from './mdm-certificate.entity.js';

/** Where the issuing CA came from (issuing-ca.ts). */
export enum CertificateAuthoritySource {
  CONFIGURED = 'CONFIGURED',
  GENERATED = 'GENERATED',
}
registerEnumType(CertificateAuthoritySource, {
  name: 'CertificateAuthoritySource',
  description:
    'CONFIGURED (CA_CERT_PEM/CA_KEY_PEM or files) or GENERATED (created on first start, stored sealed in the database).',
});

@ObjectType({
  description: 'The issuing CA of MDM device certificates: what a client or relying party trusts.',
})
export class CertificateAuthorityInfo {
  @Field({ description: 'The CA certificate, PEM.' })
  certificatePem!: string;

  @Field({ description: 'Subject distinguished name.' })
  subject!: string;

  @Field({ description: 'SHA-256 over the DER encoding, 64 uppercase hex digits.' })
  sha256Thumbprint!: string;

  @Field(() => Date)
  notBefore!: Date;

  @Field(() => Date)
  notAfter!: Date;

  @Field(() => CertificateAuthoritySource)
  source!: CertificateAuthoritySource;
}

@Resolver()
export class CertificateResolver {
  constructor(private readonly certificates: CertificateService) {}

  @Roles(...READ_ROLES)
  @Query(() => CertificateAuthorityInfo, { description: 'The issuing CA certificate of this gateway.' })
  certificateAuthority(): Promise<CertificateAuthorityInfo> {
    return this.certificates.authorityInfo() as Promise<CertificateAuthorityInfo>;
  }

  @Roles(...READ_ROLES)
  @Query(() => [MdmCertificate], {
    description:
      'Every MDM certificate issued to a device, newest first (the first is current unless the device was removed). A malformed id is BAD_USER_INPUT.',
  })
  mdmCertificates(
    @Arg('deviceId', () => ID) deviceId: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MdmCertificate[]> {
    return this.certificates.listForDevice(ctx.em, deviceId);
  }
}
