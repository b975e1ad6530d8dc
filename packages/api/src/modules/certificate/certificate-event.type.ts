import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DeviceEvent } from '../device/device-event.type.js';
import { MdmCertificate } from './mdm-certificate.entity.js';

@ObjectType({
  description:
    'A certificate lifecycle event (renewed, expiring, expired), delivered after its transaction committed.',
})
export class CertificateEvent extends DeviceEvent {
  @Field(() => ID, { description: 'The certificate the event is about (for renewals: the new one).' })
  certificateId!: string;

  @Field({ description: 'Its serial number (uppercase hex).' })
  serialNumber!: string;

  @Field(() => Date, { description: 'Its notAfter (UTC).' })
  notAfter!: Date;

  @Field(() => Int, {
    nullable: true,
    description:
      'certificateExpiring: the threshold crossed (fewer than this many days left); null otherwise.',
  })
  thresholdDays!: number | null;

  @Field(() => ID, {
    nullable: true,
    description: 'certificateRenewed: the superseded certificate; null otherwise.',
  })
  previousCertificateId!: string | null;

  /** Loaded once per event with the event's own EntityManager fork. */
  @Field(() => MdmCertificate, {
    nullable: true,
    description: 'The certificate as it is now; null if its device was removed since.',
  })
  certificate?: MdmCertificate | null;
}
