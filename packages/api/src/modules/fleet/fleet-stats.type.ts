import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'How many devices have one value of a dimension.' })
export class FleetCount {
  @Field({
    description:
      'The value: an enum value of the dimension (e.g. `IOS`, `company`), or `none` for devices without a certificate.',
  })
  key!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'Live counts of the fleet, by dimension; every list sums to `total`.' })
export class FleetStats {
  @Field(() => Int, { description: 'Device records (all management states).' })
  total!: number;

  @Field(() => [FleetCount], { description: 'By `platform`.' })
  byPlatform!: FleetCount[];

  @Field(() => [FleetCount], { description: 'By Graph `managedDeviceOwnerType`.' })
  byOwnerType!: FleetCount[];

  @Field(() => [FleetCount], { description: 'By enrollment method (Intune’s tables).' })
  byEnrollmentMethod!: FleetCount[];

  @Field(() => [FleetCount], { description: 'By Graph `managementState`.' })
  byManagementState!: FleetCount[];

  @Field(() => [FleetCount], {
    description: 'By status of the current MDM certificate (`none`: never issued one).',
  })
  byCertificateStatus!: FleetCount[];

  @Field(() => Int, {
    description: 'Current, unrevoked certificates whose notAfter falls within the next 7 days.',
  })
  certificatesExpiringWithin7Days!: number;

  @Field(() => Int, {
    description:
      'Devices whose current certificate has expired: the sweeper removes each DEVICE_REMOVAL_AFTER_EXPIRY_DAYS (180) after expiry unless it re-enrolls (Intune: Mobile device cleanup after MDM certificate expiration).',
  })
  devicesDueForRemoval!: number;

  @Field(() => Date, { description: "The gateway clock's time of the computation (UTC)." })
  computedAt!: Date;
}
