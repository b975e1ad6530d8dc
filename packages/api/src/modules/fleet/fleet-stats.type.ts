import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'How many devices have one value of a dimension.' })
export class FleetCount {
  @Field({ description: 'The value: an enum value of the dimension (e.g. `IOS`, `company`), or `none` for devices without a certificate.' })
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

  @Field(() => [FleetCount], { description: 'By seed enrollment method.' })
  byEnrollmentMethod!: FleetCount[];

  @Field(() => [FleetCount], { description: 'By Graph `managementState`.' })
  byManagementState!: FleetCount[];

  @Field(() => [FleetCount], { description: 'By status of the current MDM certificate (`none`: never issued one).' })
  byCertificateStatus!: FleetCount[];

  @Field(() => Date, { description: 'The gateway clock\'s time of the computation (UTC).' })
  computedAt!: Date;
}
