import { FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { MdmCertificate } from '../certificate/mdm-certificate.entity.js';
import { MdmCertificateStatus } from '../certificate/mdm-certificate.enums.js';
import type { LifecycleSweeper } from './lifecycle-sweeper.service.js';

/** The time-derived fields of MdmCertificate: computed from notAfter and the gateway clock at read time. */
@Resolver(() => MdmCertificate)
export class MdmCertificateStatusResolver {
  constructor(private readonly lifecycle: Pick<LifecycleSweeper, 'statusOf' | 'thresholdDaysOf'>) {}

  @FieldResolver(() => MdmCertificateStatus, {
    description:
      "Status at the gateway clock's now: revoked once revoked; else expired from notAfter + 1 s, expiring with fewer than the largest CERT_EXPIRING_THRESHOLDS_DAYS days left, valid otherwise.",
  })
  status(@Root() certificate: MdmCertificate): MdmCertificateStatus {
    return this.lifecycle.statusOf(certificate);
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description:
      "Smallest expiring threshold (days left, CERT_EXPIRING_THRESHOLDS_DAYS) the certificate is inside at the gateway clock's now, i.e. the last one the sweeper reports; null outside every threshold, once expired, or when revoked.",
  })
  expiringThresholdDays(@Root() certificate: MdmCertificate): number | null {
    return this.lifecycle.thresholdDaysOf(certificate);
  }
}
