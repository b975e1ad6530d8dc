import { FieldResolver, Resolver, Root } from 'type-graphql';
import { MdmCertificate } from './mdm-certificate.entity.js';

@Resolver(() => MdmCertificate)
export class MdmCertificateRemovalResolver {
  /** @param removalDate the server's removal rule (notAfter + DEVICE_REMOVAL_AFTER_EXPIRY_DAYS), so clients never re-encode it */
  constructor(private readonly removalDate: (notAfter: Date) => Date) {}

  @FieldResolver(() => Date, {
    description:
      'When the device is removed if this certificate expires without renewal: notAfter + DEVICE_REMOVAL_AFTER_EXPIRY_DAYS (Intune: Mobile device cleanup after MDM certificate expiration, 180 days).',
  })
  removalDateTime(@Root() certificate: MdmCertificate): Date {
    return this.removalDate(certificate.notAfter);
  }
}
