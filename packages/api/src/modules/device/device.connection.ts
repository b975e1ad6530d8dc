import { ArgsType, Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo } from '../../shared/graphql/page-info.type.js';
import { DevicePlatform } from '../catalog/platform.enum.js';
import { EnrollmentMethodKind } from '../catalog/enrollment-method-kind.enum.js';
import { ManagedDevice } from './device.entity.js';
import { ManagedDeviceOwnerType, ManagementState } from './device.enums.js';

// simpleResolvers: plain properties, read directly by graphql-js (see ManagedDevice).
@ObjectType({ description: 'An edge of a managed-device connection.', simpleResolvers: true })
export class ManagedDeviceEdge {
  @Field({ description: 'Opaque cursor of this device in the requested order.' })
  cursor!: string;

  @Field(() => ManagedDevice)
  node!: ManagedDevice;
}

@ObjectType({ description: 'A page of managed devices (Relay cursor connection).', simpleResolvers: true })
export class ManagedDeviceConnection {
  @Field(() => [ManagedDeviceEdge])
  edges!: ManagedDeviceEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'Devices matching the filter, over all pages.' })
  totalCount!: number;
}

export enum ManagedDeviceOrderField {
  enrolledDateTime = 'enrolledDateTime',
  lastSyncDateTime = 'lastSyncDateTime',
  deviceName = 'deviceName',
}
registerEnumType(ManagedDeviceOrderField, {
  name: 'ManagedDeviceOrderField',
  description: 'Sort key of the device list (non-null columns only, so keyset pages never skip a device).',
});

export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(OrderDirection, { name: 'OrderDirection' });

/** Certificate status as the device list filters it, from the current certificate's expiry. */
export enum DeviceCertificateFilter {
  /** More than the largest expiring threshold (30 days) of validity left. */
  VALID = 'VALID',
  /** Expires within the largest expiring threshold (CERT_EXPIRING_THRESHOLDS_DAYS, 30 days). */
  EXPIRING = 'EXPIRING',
  /** Past its notAfter: the device is removed 180 days later unless it re-enrolls. */
  EXPIRED = 'EXPIRED',
  /** The device never received a certificate (e.g. imported records). */
  NONE = 'NONE',
}
registerEnumType(DeviceCertificateFilter, {
  name: 'DeviceCertificateFilter',
  description: 'Certificate status filter of the device list.',
});

@InputType({ description: 'Filters of the device list; all given filters must match (AND).' })
export class ManagedDeviceFilter {
  @Field(() => DevicePlatform, { nullable: true })
  platform?: DevicePlatform;

  @Field(() => ManagedDeviceOwnerType, { nullable: true })
  managedDeviceOwnerType?: ManagedDeviceOwnerType;

  @Field(() => EnrollmentMethodKind, { nullable: true })
  enrollmentMethod?: EnrollmentMethodKind;

  @Field(() => ManagementState, { nullable: true })
  managementState?: ManagementState;

  @Field(() => DeviceCertificateFilter, {
    nullable: true,
    description: 'By the expiry of the current MDM certificate (`managementCertificateExpirationDate`).',
  })
  certificateStatus?: DeviceCertificateFilter;

  @Field(() => String, {
    nullable: true,
    description: 'Only devices affine to this user principal name (case-insensitive).',
  })
  userPrincipalName?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Case-insensitive substring of serial number or device name, or a prefix of the IMEI; 1-128 characters.',
  })
  search?: string;
}

@ArgsType()
export class ManagedDevicesArgs {
  @Field(() => Int, {
    nullable: true,
    description: 'Page size: 1 to PAGE_SIZE_MAX (default 500); PAGE_SIZE_DEFAULT (50) when omitted.',
  })
  first?: number;

  @Field(() => String, {
    nullable: true,
    description: 'Cursor after which the page starts (`pageInfo.endCursor` of the previous page).',
  })
  after?: string;

  @Field(() => ManagedDeviceFilter, { nullable: true })
  filter?: ManagedDeviceFilter;

  @Field(() => ManagedDeviceOrderField, {
    defaultValue: ManagedDeviceOrderField.enrolledDateTime,
    description: 'Sort key; ties are broken by id.',
  })
  orderBy: ManagedDeviceOrderField = ManagedDeviceOrderField.enrolledDateTime;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.DESC })
  direction: OrderDirection = OrderDirection.DESC;
}
